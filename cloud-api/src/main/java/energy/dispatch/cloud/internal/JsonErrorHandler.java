package energy.dispatch.cloud.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import energy.dispatch.schema.ErrorCode;
import energy.dispatch.schema.ErrorDetail;
import energy.dispatch.schema.Json;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * Answers what Jetty refuses before a request reaches the routes (a header block over its limit, a
 * request line it cannot parse) in the API's JSON error form, so that a client reads one error shape
 * whatever refused it, instead of Jetty's HTML page.
 */
final class JsonErrorHandler extends ErrorHandler {

  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    fields.put(HttpHeader.CONTENT_TYPE, "application/json;charset=utf-8");
    ErrorDetail error = detail(status, reason);
    ObjectNode body = Json.mapper().createObjectNode();
    body.putObject("error").put("code", error.code()).put("message", error.message());
    return ByteBuffer.wrap(body.toString().getBytes(StandardCharsets.UTF_8));
  }

  static ErrorDetail detail(int status, String reason) {
    String why = reason == null ? HttpStatus.getMessage(status) : reason;
    return switch (status) {
      case HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE_431 -> ErrorDetail.of(ErrorCode.PAYLOAD_TOO_LARGE,
          "the request's header block is larger than the server accepts (" + why + "); send fewer or shorter headers");
      case HttpStatus.URI_TOO_LONG_414 -> ErrorDetail.of(ErrorCode.PAYLOAD_TOO_LARGE,
          "the request's path and query are longer than the server accepts (" + why + ")");
      case HttpStatus.PAYLOAD_TOO_LARGE_413 -> ErrorDetail.of(ErrorCode.PAYLOAD_TOO_LARGE,
          "the request's body is larger than the server accepts (" + why + ")");
      // Jetty calls this only for requests it could not parse, so every other status is the client's doing.
      default -> ErrorDetail.of(ErrorCode.MALFORMED_REQUEST, "the HTTP request could not be parsed: " + why);
    };
  }
}
