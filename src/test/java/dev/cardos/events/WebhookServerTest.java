package dev.cardos.events;

import dev.cardos.CardosApplication;
import dev.cardos.testing.TestApi;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * Like {@link dev.cardos.testing.ServerTest}, but with retry delays of a second or two and a
 * dispatcher that polls ten times a second, so retries happen within a test. Every webhook test
 * class using it shares this one server (a context of its own, apart from the other tests').
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(
    classes = CardosApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "cardos.db.data-dir=target/it-data/${random.uuid}",
      "cardos.db.durable=false",
      "cardos.tenancy.operator-key=" + TestApi.OPERATOR_KEY,
      "cardos.webhooks.retry-delays=PT0S,PT1S,PT1S,PT2S",
      "cardos.webhooks.poll-interval=PT0.1S"
    })
public @interface WebhookServerTest {}
