package dev.vivarium.x86.conformance;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

/** Hand-made tests and suite folders for the runner's unit tests. */
public final class Fixtures {

    /** Flag masks for the forms the hand-made suites use: 40 (INC AX) defines every flag. */
    public static final String METADATA = """
            {"version":"1.0.0","opcodes":{
              "40":{"status":"normal"},
              "D4":{"status":"normal"},
              "F6":{"status":"normal","reg":{"4":{"status":"normal","flags-mask":65323}}},
              "C6":{"status":"normal","reg":{"0":{"status":"normal"},"1":{"status":"undefined","flags-mask":255}}}
            }}""";

    /** {@code inc ax} at 1000:0100 with AX=1; the record expects {@code finalAx}. */
    public static String incAx(int idx, int finalAx, int initialFlags) {
        return """
                {"idx":%d,"name":"inc ax","bytes":[64,244],"hash":"hash%d",
                 "initial":{"regs":{"ax":1,"bx":0,"cx":0,"dx":0,"cs":4096,"ss":8192,"ds":0,"es":0,
                                    "sp":256,"bp":0,"si":0,"di":0,"ip":256,"flags":%d},
                            "ram":[[65792,64],[65793,244]]},
                 "final":{"regs":{"ax":%d,"ip":258},"ram":[]}}""".formatted(idx, idx, initialFlags, finalAx);
    }

    private Fixtures() {
    }

    public static void writeGz(Path file, String json) {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(json.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A suite folder with {@code metadata.json} and one file {@code name} holding {@code tests}. */
    public static Path suite(Path dir, String name, String... tests) {
        try {
            Files.writeString(dir.resolve("metadata.json"), METADATA);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        writeGz(dir.resolve(name), "[" + String.join(",", tests) + "]");
        return dir;
    }

    /** Registers all zero except FLAGS = 2 (its fixed bit) and the given name/value pairs. */
    public static int[] regs(Object... pairs) {
        int[] regs = new int[Register.count()];
        regs[Register.FLAGS.ordinal()] = 2;
        for (int i = 0; i < pairs.length; i += 2) {
            regs[Register.byJsonName((String) pairs[i]).ordinal()] = (Integer) pairs[i + 1];
        }
        return regs;
    }

    public static byte[] code(int... bytes) {
        byte[] code = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            code[i] = (byte) bytes[i];
        }
        return code;
    }

    /** A test of {@code code} (the HLT appended) from {@code initial}, expecting nothing changed. */
    public static TestCase test(int exception, int[] initial, int... code) {
        int[] withHlt = Arrays.copyOf(code, code.length + 1);
        withHlt[code.length] = 0xF4;
        int[] fin = new int[Register.count()];
        Arrays.fill(fin, -1);
        return new TestCase("XX", 0, "hand-made", code(withHlt), "h", initial, RamImage.EMPTY, fin,
                RamImage.EMPTY, exception);
    }

    /** A test without exception from all-zero registers. */
    public static TestCase test(int... code) {
        return test(-1, regs(), code);
    }

    public static RamImage ram(int... addressValuePairs) {
        int n = addressValuePairs.length / 2;
        int[] a = new int[n];
        byte[] v = new byte[n];
        for (int i = 0; i < n; i++) {
            a[i] = addressValuePairs[2 * i];
            v[i] = (byte) addressValuePairs[2 * i + 1];
        }
        return new RamImage(a, v);
    }
}
