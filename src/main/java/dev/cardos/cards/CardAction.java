package dev.cardos.cards;

import java.util.Locale;

/** What can happen to a card after it exists. */
public enum CardAction {
  ACTIVATE,
  FREEZE,
  UNFREEZE,
  BLOCK,
  TERMINATE,
  EXPIRE,
  APPROVE,
  REJECT,
  REISSUE;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}
