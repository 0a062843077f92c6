package dev.vivarium.node.lab;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The lab's inventory database: its own H2 server process, reachable only with the lab's password. */
class InventoryDatabaseTest {

    @TempDir
    Path temp;

    @Test
    void aNewLabsDatabaseTakesOnlyItsRandomPassword() throws Exception {
        LabDir dir = new LabDir(temp.resolve("lab"));
        Files.createDirectories(dir.path());
        InventoryDatabase db = new InventoryDatabase();
        try {
            String settings = db.start(dir);
            String url = match(settings, "VIVARIUM_INVENTORY_DB_URL = \"([^\"]+)\"");
            Path piece = Path.of(match(settings, "include required\\(file\\(\"([^\"]*credentials[^\"]*)\"\\)\\)"));
            Path passwordFile = InventoryDatabase.passwordFile(dir);
            String password = SecretFile.read(passwordFile);

            assertThat(password).hasSizeGreaterThanOrEqualTo(40);
            assertThat(settings).as("the node configurations hold no secret").doesNotContain(password);
            assertThat(Files.readString(piece)).contains(password);
            for (Path secret : new Path[]{passwordFile, piece}) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secret))).isEqualTo("rw-------");
            }

            // The first connection creates the database with the lab's password, as the first node does.
            try (Connection c = DriverManager.getConnection(url, "sa", password)) {
                assertThat(c.isValid(5)).isTrue();
            }
            assertThatThrownBy(() -> DriverManager.getConnection(url, "sa", "").close())
                    .isInstanceOf(SQLException.class).hasMessageContaining("password");
            assertThatThrownBy(() -> DriverManager.getConnection(url, "sa", password + "x").close())
                    .isInstanceOf(SQLException.class);

            // Started again (lab up after lab down), the lab keeps its password.
            db.stop(dir, new PrintStream(new ByteArrayOutputStream()));
            String again = db.start(dir);
            assertThat(SecretFile.read(passwordFile)).isEqualTo(password);
            try (Connection c = DriverManager.getConnection(match(again, "VIVARIUM_INVENTORY_DB_URL = \"([^\"]+)\""), "sa", password)) {
                assertThat(c.isValid(5)).isTrue();
            }
        } finally {
            db.stop(dir, new PrintStream(new ByteArrayOutputStream()));
        }
    }

    private static String match(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as("%s in %s", regex, text).isTrue();
        return m.group(1);
    }
}
