package dev.vivarium.x86.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * One benchmark workload: a guest kernel under {@code guests/images} and the same C core built
 * for the host under {@code guests/build/native}, run with one command line everywhere.
 *
 * @param name    one of {@link #NAMES}; also the image and the native binary's name
 * @param cmdline the workload's parameters, {@code key=value} separated by spaces
 */
public record Workload(String name, String cmdline) {

    /**
     * The benchmark workloads: the seed's two (unpacking, then compiling), then the other compute
     * guests, each a different kind of code (sorting, sieving, matrix products, bignum
     * arithmetic, and a mix whose data shares pages with its code).
     */
    public static final List<String> NAMES = List.of("unpack", "compile", "sort", "sieve", "matrix", "bignum", "mix");

    /**
     * The seed's two run smaller than the guests' defaults so that one emulated run takes
     * seconds: one decompression of the 3 MiB archive (about 112 M instructions), and 200
     * compilations of the VL program without running it (about 126 M; a run adds some 200 M of
     * bytecode interpretation, which is not what the seed's second test, a kernel compile,
     * measures). The others run with their own defaults, each 0.5 to 1 s under QEMU.
     */
    public static String defaultCmdline(String name) {
        return switch (name) {
            case "unpack" -> "rounds=1";
            case "compile" -> "compiles=200 runs=0";
            case "sort", "sieve", "matrix", "bignum", "mix" -> "";
            default -> throw new IllegalArgumentException("unknown workload " + name + "; known: " + NAMES);
        };
    }

    public Path image(Path guests) {
        return guests.resolve("images").resolve(name + ".elf");
    }

    public Path nativeBinary(Path guests) {
        return guests.resolve("build").resolve("native").resolve(name);
    }

    /** The parameters as separate arguments: the native main joins its argv with spaces again. */
    public List<String> arguments() {
        return cmdline.isBlank() ? List.of() : Arrays.asList(cmdline.trim().split("\\s+"));
    }

    /** The line every successful run prints last but for nothing: {@code unpack ok}, {@code compile ok ...}. */
    public String successPrefix() {
        return name + " ok";
    }
}
