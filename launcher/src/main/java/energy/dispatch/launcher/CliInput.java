package energy.dispatch.launcher;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import energy.dispatch.schema.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the CLI reads from files and the environment, with errors that name the file and the fix. */
final class CliInput {

  private CliInput() {}

  /** The access token from {@code tokenFile}, or from {@code DISPATCH_TOKEN} when no file is given. */
  static String accessToken(Path tokenFile) throws IOException {
    String token = tokenFile != null ? readFile(tokenFile, "token file").trim() : System.getenv("DISPATCH_TOKEN");
    if (tokenFile != null && token.isEmpty()) {
      throw new IllegalArgumentException("token file " + tokenFile + " is empty");
    }
    if (token == null || token.isBlank()) {
      throw new IllegalStateException("no access token: set DISPATCH_TOKEN or pass --token-file "
          + "(./dispatch demo prints one)");
    }
    return token;
  }

  /** The text of {@code file}, failing with a sentence that calls it {@code what}. */
  static String readFile(Path file, String what) throws IOException {
    if (!Files.exists(file)) {
      throw new IllegalArgumentException(what + " " + file + " does not exist");
    }
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new IllegalArgumentException(what + " " + file + " is not a readable file");
    }
    return Files.readString(file);
  }

  /** {@code text} parsed as JSON, failing with where in {@code source} it stops being JSON. */
  static JsonNode parseJson(String source, String text) {
    try {
      return Json.mapper().readTree(text);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw new IllegalArgumentException(source + " is not valid JSON" + where + ": " + e.getOriginalMessage());
    }
  }
}
