package dev.cardos.events;

import dev.cardos.tenancy.Realm;

/**
 * Appends events in the caller's transaction, so an event exists if and only if the change it
 * describes committed. The payload must never hold a PAN, CVV, PIN, key or secret.
 */
public interface Outbox {

  /**
   * Appends one event about {@code objectId}; {@code data} is serialized as the event's JSON
   * object. Returns the event id ({@code evt_...}).
   */
  String append(Realm realm, EventType type, String objectId, Object data);

  /** An event to append, as {@link #append} takes it. */
  record Event(Realm realm, EventType type, String objectId, Object data) {}

  /**
   * Appends many events, with their deliveries, in one statement: what a group commit of
   * authorizations appends. Returns their ids, in order.
   */
  java.util.List<String> appendAll(java.util.List<Event> events);
}
