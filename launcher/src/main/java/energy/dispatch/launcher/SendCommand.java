package energy.dispatch.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import energy.dispatch.schema.CommandStatus;
import energy.dispatch.schema.Json;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./dispatch send}: submits one command over the WebSocket, prints every status change, and
 * exits 0 only when the command was executed. Once the command left, a wait that ends without a
 * final status has its own exit code, so that a script does not mistake it for "not sent" and send
 * the command twice. The token comes from {@code DISPATCH_TOKEN} or a file, never from the command
 * line, where other users of the machine could read it.
 */
@Command(name = "send", mixinStandardHelpOptions = true,
    description = "Sends a command and waits for its final status; exits 0 only when executed.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:executed",
        "1:reached another final status (refused, rejected, failed, expired, ...)",
        "2:not sent: bad options, no token, cannot connect",
        "3:sent, but no final status within --wait-sec; do not resend, follow it with "
            + "GET /api/v1/commands/<command_id>",
    })
final class SendCommand implements Callable<Integer> {

  static final int EXECUTED = 0;
  static final int FAILED = 1;
  static final int OUTCOME_UNKNOWN = 3;

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
    if (waitSec < 1) {
      throw new IllegalArgumentException("--wait-sec must be at least 1 (got " + waitSec + "); nothing was sent");
    }
    ObjectNode command = jsonFile != null ? readCommand() : buildCommand();
    String id = command.path("command_id").asText();
    try (DispatchSocket socket = DispatchSocket.connect(trust.clientFor(url), url, CliInput.accessToken(tokenFile))) {
      socket.send(command.toString());
      return awaitFinalStatus(socket, id);
    }
  }

  private int awaitFinalStatus(DispatchSocket socket, String id) {
    PrintWriter out = spec.commandLine().getOut();
    long deadline = System.nanoTime() + Duration.ofSeconds(waitSec).toNanos();
    JsonNode last = null;
    while (true) {
      Optional<JsonNode> message;
      try {
        message = socket.poll(m -> id.equals(m.path("command_id").asText(null)) || m.path("command_id").isNull(),
            Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
      } catch (IllegalStateException closed) {
        return outcomeUnknown(id, last, closed.getMessage());
      }
      if (message.isEmpty()) {
        return outcomeUnknown(id, last, "no final status within " + waitSec + " s");
      }
      last = message.get();
      out.println(describe(last));
      out.flush();
      if (CommandStatus.fromWire(last.path("status").asText()).isTerminal()) {
        return "executed".equals(last.path("status").asText()) ? EXECUTED : FAILED;
      }
    }
  }

  /** The command left but its end is not known here: say so, and where to follow it. */
  private int outcomeUnknown(String id, JsonNode last, String why) {
    String lastStatus = last == null ? "no status received yet" : "last status " + last.path("status").asText();
    PrintWriter err = spec.commandLine().getErr();
    err.println("dispatch send: command " + id + " was sent, outcome not yet known (" + why + "; " + lastStatus
        + "). Do not send it again; follow it with GET " + commandUrl(id)
        + " (Authorization: Bearer <token>) or wait longer with --wait-sec.");
    err.flush();
    return OUTCOME_UNKNOWN;
  }

  /** The REST address of the command, on the same host as the WebSocket. */
  private String commandUrl(String id) {
    String scheme = "wss".equalsIgnoreCase(url.getScheme()) ? "https" : "http";
    return scheme + "://" + url.getRawAuthority() + "/api/v1/commands/" + URLEncoder.encode(id, StandardCharsets.UTF_8);
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

  private ObjectNode readCommand() throws Exception {
    boolean stdin = "-".equals(jsonFile);
    String text = stdin ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
        : CliInput.readFile(Path.of(jsonFile), "--json file");
    JsonNode parsed = CliInput.parseJson(stdin ? "the command on standard input" : jsonFile, text);
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
