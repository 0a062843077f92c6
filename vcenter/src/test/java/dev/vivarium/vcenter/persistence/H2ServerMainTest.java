package dev.vivarium.vcenter.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lab's database process: started as the launcher starts it, reached on its port, stopped. */
class H2ServerMainTest {

  @TempDir Path dir;

  @Test
  void servesOnTheWrittenPortUntilStopped() throws Exception {
    Path portFile = dir.resolve("h2.port");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        H2ServerMain.class.getName(), dir.resolve("db").toString(), portFile.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("h2.log").toFile()).start();
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(portFile) || !p.isAlive());
      assertThat(p.isAlive()).as("server process running; log: %s", dir.resolve("h2.log")).isTrue();
      int port = Integer.parseInt(Files.readString(portFile).strip());
      try (Connection c = DriverManager.getConnection(
              "jdbc:h2:tcp://127.0.0.1:" + port + "/inventory", "sa", "");
          ResultSet rs = c.createStatement().executeQuery("SELECT 6 * 7")) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(42);
      }
      p.destroy(); // SIGTERM: the shutdown hook stops the server
      assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(Files.readString(dir.resolve("h2.log"))).contains("listening on 127.0.0.1:" + port);
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void refusesWrongArguments() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        H2ServerMain.class.getName()).redirectErrorStream(true).start();
    try {
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isEqualTo(2);
      assertThat(new String(p.getInputStream().readAllBytes())).contains("usage: H2ServerMain");
    } finally {
      p.destroyForcibly();
    }
  }
}
