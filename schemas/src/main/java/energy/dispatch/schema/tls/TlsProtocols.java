package energy.dispatch.schema.tls;

import java.util.List;

/** The TLS versions every listener and client of the system offers: 1.3 and 1.2, nothing older. */
public final class TlsProtocols {

  /** In order of preference. */
  public static final List<String> ALLOWED = List.of("TLSv1.3", "TLSv1.2");

  private TlsProtocols() {}
}
