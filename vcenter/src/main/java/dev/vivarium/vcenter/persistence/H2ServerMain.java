package dev.vivarium.vcenter.persistence;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.concurrent.CountDownLatch;
import org.h2.tools.Server;

/**
 * The lab's inventory database as its own process: an H2 TCP server on loopback, so every node
 * reaches it and the loss of any node loses nothing. It listens on a free port and writes the
 * port to a file for the lab launcher, then serves until the process is stopped.
 *
 * <p>Usage: {@code H2ServerMain BASE_DIR PORT_FILE}. Nodes then use
 * {@code jdbc:h2:tcp://127.0.0.1:PORT/inventory} (see config/inventory-db-lab.conf).
 */
public final class H2ServerMain {

  private H2ServerMain() {}

  public static void main(String[] args) throws SQLException, IOException, InterruptedException {
    if (args.length != 2) {
      System.err.println("usage: H2ServerMain BASE_DIR PORT_FILE");
      System.exit(2);
    }
    // Listen on loopback only (H2 would bind every interface and refuse remote clients later);
    // read once when H2's classes load, so set before the first use.
    System.setProperty("h2.bindAddress", "127.0.0.1");
    H2TcpServer server = H2TcpServer.start(Path.of(args[0]));
    Path portFile = Path.of(args[1]);
    Path tmp = portFile.resolveSibling(portFile.getFileName() + ".tmp");
    Files.writeString(tmp, Integer.toString(server.port()));
    // Renamed into place so the launcher never reads a half-written port.
    Files.move(tmp, portFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    System.out.println("inventory database (H2) listening on 127.0.0.1:" + server.port()
        + ", files in " + args[0]);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "h2-server-stop"));
    stopped.await();
  }

  /** An H2 TCP server on a free loopback port; close it to stop. */
  public record H2TcpServer(Server server, Path baseDir) implements AutoCloseable {

    /**
     * Starts on a free port. Only local clients are accepted (no -tcpAllowOthers), and
     * databases may be created remotely because the nodes create the inventory on first start.
     */
    public static H2TcpServer start(Path baseDir) throws SQLException {
      Server s = Server.createTcpServer("-tcpPort", "0", "-baseDir", baseDir.toString(),
          "-ifNotExists").start();
      return new H2TcpServer(s, baseDir);
    }

    public int port() { return server.getPort(); }

    /** The JDBC URL of database {@code name} on this server. */
    public String url(String name) { return "jdbc:h2:tcp://127.0.0.1:" + port() + "/" + name; }

    @Override
    public void close() { server.stop(); }
  }
}
