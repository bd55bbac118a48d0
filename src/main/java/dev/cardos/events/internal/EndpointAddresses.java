package dev.cardos.events.internal;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Where a webhook may be sent. Live mode: https only, and never to an address inside the operator's
 * network (loopback, private, link-local such as the cloud metadata service, unique local,
 * any-local, multicast), checked at registration, before each send and by the event sender's
 * resolver when it connects. Test mode allows http and localhost so developers can receive events
 * on their machines.
 */
final class EndpointAddresses {

  /** Why a live-mode URL whose host has an address inside the network is refused. */
  static final String INTERNAL_REFUSAL = "resolves to an internal address, which live mode refuses";

  private EndpointAddresses() {}

  /** Why the URL is refused, or empty when it is allowed. */
  static Optional<String> refusal(String url, boolean live) {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      return Optional.of("is not a valid URL");
    }
    String scheme = uri.getScheme();
    if (uri.getHost() == null || scheme == null) {
      return Optional.of("must be an absolute http(s) URL");
    }
    if (!live) {
      return "http".equals(scheme) || "https".equals(scheme)
          ? Optional.empty()
          : Optional.of("must be an http or https URL");
    }
    if (!"https".equals(scheme)) {
      return Optional.of("must be https in live mode");
    }
    try {
      for (InetAddress address : InetAddress.getAllByName(uri.getHost())) {
        if (internal(address)) {
          return Optional.of(INTERNAL_REFUSAL);
        }
      }
    } catch (UnknownHostException e) {
      return Optional.of("has a host name that does not resolve");
    }
    return Optional.empty();
  }

  static boolean internal(InetAddress a) {
    if (a.isLoopbackAddress()
        || a.isSiteLocalAddress()
        || a.isLinkLocalAddress()
        || a.isAnyLocalAddress()
        || a.isMulticastAddress()) {
      return true;
    }
    byte[] b = a.getAddress();
    if (a instanceof Inet6Address) {
      return (b[0] & 0xfe) == 0xfc; // fc00::/7 unique local
    }
    int first = b[0] & 0xff;
    int second = b[1] & 0xff;
    return first == 0 // "this network"
        || (first == 100 && second >= 64 && second <= 127) // carrier-grade NAT
        || (first == 192 && second == 0 && (b[2] & 0xff) == 0); // IETF protocol assignments
  }
}
