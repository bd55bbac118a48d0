package dev.cardos.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small JSON client of one CardOS node, for setting up and checking; not for the load. */
final class Api {

  static final JsonMapper JSON = JsonMapper.builder().build();

  private final HttpClient http;
  final String baseUrl;

  Api(HttpClient http, String baseUrl) {
    this.http = http;
    this.baseUrl = baseUrl;
  }

  /** An answer: status and body. */
  record Answer(int status, String body) {
    JsonNode json() {
      return JSON.readTree(body);
    }

    String text(String field) {
      return json().get(field).asString();
    }
  }

  Answer post(String path, String key, String body) {
    return send(
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .header("Authorization", "Bearer " + key)
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", UUID.randomUUID().toString())
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  Answer get(String path, String key) {
    return send(
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .header("Authorization", "Bearer " + key)
            .GET());
  }

  Answer send(String method, String path, String key, String body) {
    return send(
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .header("Authorization", "Bearer " + key)
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", UUID.randomUUID().toString())
            .method(method, HttpRequest.BodyPublishers.ofString(body)));
  }

  /** Like {@link #post} but the answer must have {@code status}; returns its JSON. */
  JsonNode expect(int status, Answer answer, String what) {
    if (answer.status() != status) {
      throw new IllegalStateException(
          what + ": expected " + status + " but got " + answer.status() + " " + answer.body());
    }
    return answer.json();
  }

  private Answer send(HttpRequest.Builder request) {
    for (int attempt = 1; ; attempt++) {
      try {
        HttpResponse<String> r =
            http.send(
                request.timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 429 && attempt < 50) {
          Thread.sleep(200);
          continue;
        }
        return new Answer(r.statusCode(), r.body());
      } catch (IOException e) {
        if (attempt >= 3) {
          throw new IllegalStateException("request failed: " + e, e);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }
}
