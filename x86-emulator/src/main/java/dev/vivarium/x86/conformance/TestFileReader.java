package dev.vivarium.x86.conformance;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * Streams the tests of one SingleStepTests file ({@code .json.gz}, or plain {@code .json}) one
 * record at a time, so a file is never held in memory as a whole. One reader per thread: it
 * reuses its scratch buffers.
 */
public final class TestFileReader {

    /** Receives the tests of a file in order; returns false to stop reading early. */
    @FunctionalInterface
    public interface Sink {
        boolean accept(TestCase test);
    }

    private static final JsonFactory JSON = new JsonFactory();
    private static final int MAX_ADDRESS = (1 << 24) - 1;

    private int[] scratchAddresses = new int[256];
    private byte[] scratchValues = new byte[256];
    private byte[] scratchCode = new byte[32];

    /** The opcode form a file holds: its name without {@code .json.gz} (e.g. {@code F7.6}). */
    public static String formOf(Path file) {
        String name = file.getFileName().toString();
        for (String suffix : new String[] {".json.gz", ".json"}) {
            if (name.endsWith(suffix)) {
                return name.substring(0, name.length() - suffix.length());
            }
        }
        return name;
    }

    /** Reads {@code file} and hands every test to {@code sink}; bad input throws {@link ConformanceInputException}. */
    public void read(Path file, Sink sink) {
        String form = formOf(file);
        try (InputStream in = open(file); JsonParser p = JSON.createParser(in)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw bad(file, p, "expected a JSON array of tests");
            }
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (t != JsonToken.START_OBJECT) {
                    throw bad(file, p, "expected a test object");
                }
                if (!sink.accept(readTest(file, form, p))) {
                    return;
                }
            }
            if (p.nextToken() != null) {
                throw bad(file, p, "content after the array of tests");
            }
        } catch (JsonProcessingException e) {
            throw new ConformanceInputException(file + ": not valid JSON: " + e.getOriginalMessage()
                    + where(e.getLocation()), e);
        } catch (IOException e) {
            throw new ConformanceInputException(file + ": cannot read: " + e, e);
        }
    }

    private static InputStream open(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        return file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
    }

    private TestCase readTest(Path file, String form, JsonParser p) throws IOException {
        int index = -1;
        String name = "";
        String hash = "";
        byte[] code = null;
        int[] initialRegs = null;
        int[] finalRegs = null;
        RamImage initialRam = null;
        RamImage finalRam = RamImage.EMPTY;
        int exception = -1;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "idx" -> index = intValue(file, p, 0, Integer.MAX_VALUE);
                case "name" -> name = text(file, p);
                case "hash" -> hash = text(file, p);
                case "bytes" -> code = readCode(file, p);
                case "exception" -> exception = readException(file, p);
                case "initial", "final" -> {
                    if (value != JsonToken.START_OBJECT) {
                        throw bad(file, p, "'" + field + "' must be an object");
                    }
                    boolean initial = field.equals("initial");
                    int[] regs = new int[Register.count()];
                    Arrays.fill(regs, -1);
                    RamImage ram = RamImage.EMPTY;
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String part = p.currentName();
                        p.nextToken();
                        switch (part) {
                            case "regs" -> readRegs(file, p, regs);
                            case "ram" -> ram = readRam(file, p);
                            default -> p.skipChildren(); // e.g. the prefetch queue of other editions
                        }
                    }
                    if (initial) {
                        initialRegs = regs;
                        initialRam = ram;
                    } else {
                        finalRegs = regs;
                        finalRam = ram;
                    }
                }
                default -> p.skipChildren(); // cycles, queue and future additions: not compared
            }
        }
        String label = "test " + (index >= 0 ? index : "?");
        if (code == null || code.length == 0) {
            throw bad(file, p, label + " has no 'bytes'");
        }
        if (initialRegs == null) {
            throw bad(file, p, label + " has no 'initial' state");
        }
        for (Register r : Register.values()) {
            if (initialRegs[r.ordinal()] < 0) {
                throw bad(file, p, label + ": initial.regs lacks '" + r.jsonName() + "'");
            }
        }
        if (finalRegs == null) {
            throw bad(file, p, label + " has no 'final' state");
        }
        return new TestCase(form, index, name, code, hash, initialRegs, initialRam, finalRegs, finalRam, exception);
    }

    private byte[] readCode(Path file, JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw bad(file, p, "'bytes' must be an array");
        }
        int n = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (n == scratchCode.length) {
                scratchCode = Arrays.copyOf(scratchCode, n * 2);
            }
            scratchCode[n++] = (byte) intValue(file, p, 0, 0xFF);
        }
        return Arrays.copyOf(scratchCode, n);
    }

    private static void readRegs(Path file, JsonParser p, int[] regs) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw bad(file, p, "'regs' must be an object");
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            Register r = Register.byJsonName(p.currentName());
            if (r == null) {
                throw bad(file, p, "unknown register '" + p.currentName() + "'");
            }
            p.nextToken();
            regs[r.ordinal()] = intValue(file, p, 0, 0xFFFF);
        }
    }

    private RamImage readRam(Path file, JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw bad(file, p, "'ram' must be an array of [address, byte] pairs");
        }
        int n = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.START_ARRAY) {
                throw bad(file, p, "'ram' entries must be [address, byte] pairs");
            }
            int address = pairElement(file, p, MAX_ADDRESS);
            int value = pairElement(file, p, 0xFF);
            if (p.nextToken() != JsonToken.END_ARRAY) {
                throw bad(file, p, "'ram' entries must be [address, byte] pairs");
            }
            if (n == scratchAddresses.length) {
                scratchAddresses = Arrays.copyOf(scratchAddresses, n * 2);
                scratchValues = Arrays.copyOf(scratchValues, n * 2);
            }
            scratchAddresses[n] = address;
            scratchValues[n++] = (byte) value;
        }
        return n == 0 ? RamImage.EMPTY
                : new RamImage(Arrays.copyOf(scratchAddresses, n), Arrays.copyOf(scratchValues, n));
    }

    private static int pairElement(Path file, JsonParser p, int max) throws IOException {
        if (p.nextToken() != JsonToken.VALUE_NUMBER_INT) {
            throw bad(file, p, "'ram' entries must be [address, byte] pairs");
        }
        return intValue(file, p, 0, max);
    }

    /** The exception's vector. Its flag_address is not kept: see {@link StateComparison#stackedFlagsAddress} for why. */
    private static int readException(Path file, JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw bad(file, p, "'exception' must be an object");
        }
        int number = -1;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            if (field.equals("number")) {
                number = intValue(file, p, 0, 0xFF);
            } else {
                p.skipChildren();
            }
        }
        if (number < 0) {
            throw bad(file, p, "'exception' has no 'number'");
        }
        return number;
    }

    private static int intValue(Path file, JsonParser p, int min, int max) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
            throw bad(file, p, "expected an integer, found " + p.currentToken());
        }
        long v = p.getLongValue();
        if (v < min || v > max) {
            throw bad(file, p, v + " is outside " + min + ".." + max);
        }
        return (int) v;
    }

    private static String text(Path file, JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            throw bad(file, p, "expected a string, found " + p.currentToken());
        }
        return p.getText();
    }

    private static ConformanceInputException bad(Path file, JsonParser p, String what) {
        return new ConformanceInputException(file + ": " + what + where(p.currentLocation()));
    }

    private static String where(JsonLocation at) {
        return at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    }
}
