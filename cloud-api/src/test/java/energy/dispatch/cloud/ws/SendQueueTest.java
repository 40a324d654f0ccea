package energy.dispatch.cloud.ws;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.websocket.api.RemoteEndpoint;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.eclipse.jetty.websocket.api.WriteCallback;
import org.junit.jupiter.api.Test;

/**
 * The send queue against a Jetty session whose writes complete only when the test says so, as
 * with a client that stopped reading.
 */
class SendQueueTest {

  private final List<String> written = new ArrayList<>();
  private final List<WriteCallback> pending = new ArrayList<>();
  private final List<String> closes = new ArrayList<>();
  private final Session session = session();

  private Session session() {
    RemoteEndpoint remote = (RemoteEndpoint) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {RemoteEndpoint.class}, (proxy, method, args) -> {
          if (method.getName().equals("sendString") && args.length == 2) {
            written.add((String) args[0]);
            pending.add((WriteCallback) args[1]);
          }
          return null;
        });
    return (Session) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Session.class},
        (proxy, method, args) -> switch (method.getName()) {
          case "getRemote" -> remote;
          case "close" -> {
            closes.add(args[0] + " " + args[1]);
            yield null;
          }
          default -> null;
        });
  }

  @Test
  void one_write_at_a_time_in_order() {
    SendQueue queue = new SendQueue(session, 10);

    queue.send("a");
    queue.send("b");
    queue.send("c");
    assertThat(written).containsExactly("a");
    pending.get(0).writeSuccess();
    pending.get(1).writeSuccess();

    assertThat(written).containsExactly("a", "b", "c");
  }

  @Test
  void a_client_that_cannot_keep_up_is_closed_with_a_reason() {
    SendQueue queue = new SendQueue(session, 3);

    for (int i = 0; i < 4; i++) {
      assertThat(queue.send("m" + i)).isTrue();
    }
    boolean accepted = queue.send("overflow");

    assertThat(accepted).isFalse();
    assertThat(closes).containsExactly(StatusCode.POLICY_VIOLATION + " send queue overflow: the client reads too slowly");
    assertThat(queue.send("after close")).isFalse();
  }
}
