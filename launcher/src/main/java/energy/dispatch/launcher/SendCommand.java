package energy.dispatch.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import energy.dispatch.schema.CommandStatus;
import energy.dispatch.schema.Json;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./dispatch send}: submits one command over the WebSocket, prints every status change, and
 * exits 0 only when the command was executed (1 for any other final status, 2 when it could not be
 * sent). The token comes from {@code DISPATCH_TOKEN} or a file, never from the command line, where
 * other users of the machine could read it.
 */
@Command(name = "send", mixinStandardHelpOptions = true,
    description = "Sends a command and waits for its final status; exits 0 only when executed.")
final class SendCommand implements Callable<Integer> {

  @Spec
  private CommandSpec spec;

  @Option(names = "--url", defaultValue = "${env:DISPATCH_URL:-ws://127.0.0.1:8080/ws}",
      description = "the cloud's WebSocket (default ${DEFAULT-VALUE}; env DISPATCH_URL)")
  private URI url;

  @Option(names = "--token-file", description = "file holding the access token (default: env DISPATCH_TOKEN)")
  private Path tokenFile;

  @Mixin
  private ServerTrust trust;

  @Option(names = "--json", description = "file with the whole command as JSON ('-' for stdin); other options then ignored")
  private String jsonFile;

  @Option(names = "--id", description = "command_id (default: a fresh one)")
  private String commandId;

  @Option(names = "--type", defaultValue = "setpoint",
      description = "setpoint, mode_change, config_override, scheduler or system (default ${DEFAULT-VALUE})")
  private String commandType;

  @Option(names = "--edge", description = "target edge id")
  private String edgeId;

  @Option(names = "--device", description = "target device id (setpoint)")
  private String deviceId;

  @Option(names = "--channel", description = "target channel (setpoint)")
  private String channel;

  @Option(names = "--controller", description = "target controller")
  private String controller;

  @Option(names = "--parameter", description = "target parameter (config_override)")
  private String parameter;

  @Option(names = "--value", description = "the value: a number, a word, or 'null' to release a hold (required)")
  private String value;

  @Option(names = "--unit", description = "unit of the value, e.g. W or %%")
  private String unit;

  @Option(names = "--priority", description = "normal, high or emergency")
  private String priority;

  @Option(names = "--expiry-sec", description = "seconds the command stays valid")
  private Integer expirySec;

  @Option(names = "--hold-sec", description = "seconds a setpoint holds its channel")
  private Integer holdSec;

  @Option(names = "--duration-sec", description = "seconds an override lasts")
  private Integer durationSec;

  @Option(names = "--wait-sec", defaultValue = "120", description = "how long to wait for the final status (default ${DEFAULT-VALUE})")
  private int waitSec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    ObjectNode command = jsonFile != null ? readCommand() : buildCommand();
    String id = command.path("command_id").asText();
    try (DispatchSocket socket = DispatchSocket.connect(trust.clientFor(url), url, token())) {
      socket.send(command.toString());
      JsonNode last = awaitFinalStatus(socket, id, out);
      return "executed".equals(last.path("status").asText()) ? 0 : 1;
    }
  }

  private JsonNode awaitFinalStatus(DispatchSocket socket, String id, PrintWriter out) {
    long deadline = System.nanoTime() + Duration.ofSeconds(waitSec).toNanos();
    while (true) {
      JsonNode message = socket.nextMatching(m -> id.equals(m.path("command_id").asText(null))
          || m.path("command_id").isNull(), Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
      out.println(describe(message));
      out.flush();
      if (CommandStatus.fromWire(message.path("status").asText()).isTerminal()) {
        return message;
      }
    }
  }

  private static String describe(JsonNode status) {
    StringBuilder line = new StringBuilder(status.path("command_id").asText("?"))
        .append(' ').append(status.path("status").asText());
    JsonNode error = status.path("error");
    if (error.isObject()) {
      line.append(" [").append(error.path("code").asText()).append("] ").append(error.path("message").asText());
    }
    if (status.hasNonNull("applied_value")) {
      line.append(" applied_value=").append(status.get("applied_value").asText());
    }
    return line.toString();
  }

  private String token() throws Exception {
    String token = tokenFile != null ? Files.readString(tokenFile).trim() : System.getenv("DISPATCH_TOKEN");
    if (token == null || token.isBlank()) {
      throw new IllegalStateException("no access token: set DISPATCH_TOKEN or pass --token-file "
          + "(./dispatch demo prints one)");
    }
    return token;
  }

  private ObjectNode readCommand() throws Exception {
    Path file = Path.of(jsonFile);
    if (!"-".equals(jsonFile) && !Files.isReadable(file)) {
      throw new IllegalArgumentException("--json " + jsonFile + ": no such readable file");
    }
    String text = "-".equals(jsonFile) ? new String(System.in.readAllBytes()) : Files.readString(file);
    JsonNode parsed = Json.mapper().readTree(text);
    if (!parsed.isObject() || !parsed.hasNonNull("command_id")) {
      throw new IllegalArgumentException(jsonFile + " must hold a JSON object with a command_id");
    }
    return (ObjectNode) parsed;
  }

  private ObjectNode buildCommand() {
    if (edgeId == null) {
      throw new IllegalArgumentException("--edge is required (or give the whole command with --json)");
    }
    if (value == null) {
      // A missing value must not turn into a release of the hold: releasing is said out loud.
      throw new IllegalArgumentException("--value is required; to release a setpoint's hold say --value null");
    }
    ObjectNode command = Json.mapper().createObjectNode();
    command.put("command_id", commandId != null ? commandId : "cli_" + UUID.randomUUID());
    command.put("command_type", commandType);
    ObjectNode target = command.putObject("target").put("edge_id", edgeId);
    putIfSet(target, "device_id", deviceId);
    putIfSet(target, "channel", channel);
    putIfSet(target, "controller", controller);
    putIfSet(target, "parameter", parameter);
    command.set("value", parseValue(value));
    putIfSet(command, "unit", unit);
    putIfSet(command, "priority", priority);
    putIfSet(command, "expiry_sec", expirySec);
    putIfSet(command, "hold_sec", holdSec);
    putIfSet(command, "duration_sec", durationSec);
    command.put("source", "cli");
    return command;
  }

  private static JsonNode parseValue(String value) {
    if (value.equals("null")) {
      return Json.mapper().nullNode();
    }
    try {
      return Json.mapper().getNodeFactory().numberNode(new java.math.BigDecimal(value));
    } catch (NumberFormatException notANumber) {
      return Json.mapper().getNodeFactory().textNode(value);
    }
  }

  private static void putIfSet(ObjectNode node, String field, Object value) {
    if (value instanceof Integer number) {
      node.put(field, number);
    } else if (value != null) {
      node.put(field, value.toString());
    }
  }
}
