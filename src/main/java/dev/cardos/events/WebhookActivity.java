package dev.cardos.events;

import dev.cardos.tenancy.Realm;
import java.time.Instant;
import java.util.List;

/**
 * What the tenant's webhooks did, for people (the dashboard): endpoints, recent deliveries with
 * their last attempt, and redelivery of an event. Every call is within one {@link Realm}. Never a
 * secret.
 */
public interface WebhookActivity {

  /** The realm's endpoints that are not deleted, newest first. */
  List<Endpoint> endpoints(Realm realm);

  /** The realm's most recent deliveries, newest first, with their last attempt. */
  List<Delivery> recentDeliveries(Realm realm, int limitMax);

  /**
   * Sends the event again now to every enabled endpoint it was delivered to (or failed at), as
   * {@code POST /v1/events/{id}/redeliver} does; returns how many deliveries were queued. A 404
   * problem when the event is not the realm's. Runs in the caller's transaction.
   */
  int redeliver(Realm realm, String eventId);

  record Endpoint(
      String id,
      String url,
      List<String> eventTypes,
      String status,
      String disabledReason,
      Instant createdAt) {

    public Endpoint {
      eventTypes = List.copyOf(eventTypes);
    }
  }

  record Delivery(
      String id,
      String eventId,
      String eventType,
      String endpointId,
      String endpointUrl,
      String status,
      int attempts,
      Integer lastStatusCode,
      String lastError,
      Instant nextAttemptAt,
      Instant deliveredAt,
      Instant createdAt) {}
}
