package dev.vivarium.vcenter.persistence;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Loads the profiles under config/ as a node would, with the given environment values. */
final class DatabaseProfiles {

  private DatabaseProfiles() {}

  static Path configDir() {
    String root = System.getenv("VIVARIUM_ROOT");
    Path dir = (root != null ? Path.of(root) : Path.of("..").toAbsolutePath().normalize()).resolve("config");
    if (!Files.isDirectory(dir)) throw new IllegalStateException("no config/ folder at " + dir);
    return dir;
  }

  /** The profile {@code file} over this module's defaults, its substitutions taken from {@code env}. */
  static Config load(String file, Map<String, String> env) {
    // Substitutions look in the config's root before the environment, so values put at the root
    // stand in for environment variables.
    Config profile = ConfigFactory.parseFile(configDir().resolve(file).toFile());
    return ConfigFactory.parseMap(env).withFallback(profile).withFallback(ConfigFactory.load())
        .resolve();
  }
}
