package dev.cardos.cardholders;

import dev.cardos.tenancy.Realm;
import java.util.List;

/** Finds cardholders by what a person types: a name, an email, a reference or an id. */
public interface CardholderSearch {

  /**
   * Ids of the realm's cardholders whose id, reference or email equals {@code text}
   * (case-insensitive), or whose full name contains it; at most {@code limitMax}, newest first.
   */
  List<String> idsMatching(Realm realm, String text, int limitMax);
}
