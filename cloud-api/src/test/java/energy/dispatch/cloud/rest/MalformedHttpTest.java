package energy.dispatch.cloud.rest;

import static energy.dispatch.cloud.support.CloudFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import energy.dispatch.cloud.support.CloudFixture;
import energy.dispatch.cloud.support.TestBroker;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Requests the HTTP server refuses before any route sees them, sent as raw bytes over a real socket. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MalformedHttpTest {

  private TestBroker broker;
  private CloudFixture fixture;

  @BeforeAll
  void start() {
    broker = TestBroker.start();
    fixture = CloudFixture.start(broker);
  }

  @AfterAll
  void stop() {
    fixture.close();
    broker.close();
  }

  @Test
  void a_header_block_over_the_limit_is_answered_431_in_the_json_error_form_and_the_api_keeps_serving()
      throws IOException {
    String request = "GET /health HTTP/1.1\r\nHost: localhost\r\nX-Padding: " + "a".repeat(10_000) + "\r\n\r\n";

    RawResponse answer = exchange(request);

    assertThat(answer.statusLine()).startsWith("HTTP/1.1 431");
    assertThat(answer.contentType()).startsWith("application/json");
    JsonNode error = json(answer.body()).path("error");
    assertThat(error.path("code").asText()).isEqualTo("payload_too_large");
    assertThat(error.path("message").asText()).contains("header block");
    assertThat(fixture.call("GET", "/health", null, null).statusCode()).isEqualTo(200);
  }

  @Test
  void a_header_that_cannot_be_parsed_is_answered_400_malformed_request_in_the_json_error_form()
      throws IOException {
    RawResponse answer = exchange("GET /health HTTP/1.1\r\nHost: localhost\r\na header without a colon\r\n\r\n");

    assertThat(answer.statusLine()).startsWith("HTTP/1.1 400");
    assertThat(answer.contentType()).startsWith("application/json");
    JsonNode error = json(answer.body()).path("error");
    assertThat(error.path("code").asText()).isEqualTo("malformed_request");
    assertThat(error.path("message").asText()).startsWith("the HTTP request could not be parsed: ");
    assertThat(fixture.call("GET", "/health", null, null).statusCode()).isEqualTo(200);
  }

  private RawResponse exchange(String request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", fixture.cloud().httpPort())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      return RawResponse.read(socket.getInputStream());
    }
  }

  /** The parts of an HTTP/1.1 response these tests look at; the server closes after a refusal. */
  private record RawResponse(String statusLine, String contentType, String body) {

    static RawResponse read(InputStream in) throws IOException {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      int headEnd = text.indexOf("\r\n\r\n");
      assertThat(headEnd).as("a complete response head in: %s", text).isPositive();
      String[] head = text.substring(0, headEnd).split("\r\n");
      String contentType = "";
      for (String line : head) {
        if (line.toLowerCase().startsWith("content-type:")) {
          contentType = line.substring("content-type:".length()).trim();
        }
      }
      return new RawResponse(head[0], contentType, text.substring(headEnd + 4));
    }
  }
}
