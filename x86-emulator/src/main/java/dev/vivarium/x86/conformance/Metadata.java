package dev.vivarium.x86.conformance;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A suite's {@code metadata.json}: per opcode, and per ModRM reg for group opcodes, its status
 * (normal, undefined, undocumented, alias, prefix, fpu, extension) and the mask of the flags it
 * defines. Keys are upper-case hex opcodes ("F7", "0F01").
 */
public final class Metadata {

    /** What the metadata says about one opcode form. {@code flagsMask} is 0xFFFF when it defines every flag. */
    public record Form(String status, int flagsMask) {
        static final Form UNKNOWN = new Form("unknown", 0xFFFF);
    }

    private record Entry(Form form, Form[] byReg) {
    }

    /** Metadata that knows no opcode: every flag is compared. */
    public static final Metadata NONE = new Metadata(Map.of());

    private static final JsonFactory JSON = new JsonFactory();

    private final Map<String, Entry> opcodes;

    private Metadata(Map<String, Entry> opcodes) {
        this.opcodes = opcodes;
    }

    /**
     * The form of {@code opcode} ({@code 0x0Fxx} for a two-byte opcode); group opcodes are keyed
     * by {@code modrmReg}, the reg field of the instruction's ModRM byte (-1 when it has none).
     */
    public Form lookup(int opcode, int modrmReg) {
        String key = opcode > 0xFF ? String.format(Locale.ROOT, "%04X", opcode)
                : String.format(Locale.ROOT, "%02X", opcode);
        Entry e = opcodes.get(key);
        if (e == null) {
            return Form.UNKNOWN;
        }
        if (e.byReg != null && modrmReg >= 0 && e.byReg[modrmReg] != null) {
            return e.byReg[modrmReg];
        }
        return e.form;
    }

    public static Metadata read(Path file) {
        try (JsonParser p = JSON.createParser(file.toFile())) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new ConformanceInputException(file + ": expected a JSON object");
            }
            Map<String, Entry> opcodes = new HashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                if (field.equals("opcodes") && p.currentToken() == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String key = p.currentName().toUpperCase(Locale.ROOT);
                        p.nextToken();
                        opcodes.put(key, readEntry(file, p));
                    }
                } else {
                    p.skipChildren();
                }
            }
            return new Metadata(opcodes);
        } catch (JsonProcessingException e) {
            throw new ConformanceInputException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ConformanceInputException(file + ": cannot read: " + e, e);
        }
    }

    private static Entry readEntry(Path file, JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw new ConformanceInputException(file + ": opcode entry '" + p.currentName() + "' is not an object");
        }
        String status = "unknown";
        int mask = 0xFFFF;
        Form[] byReg = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "status" -> status = p.getValueAsString("unknown");
                case "flags-mask" -> mask = p.getValueAsInt(0xFFFF) & 0xFFFF;
                case "reg" -> {
                    byReg = new Form[8];
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String reg = p.currentName();
                        p.nextToken();
                        Entry sub = readEntry(file, p);
                        if (reg.length() != 1 || reg.charAt(0) < '0' || reg.charAt(0) > '7') {
                            throw new ConformanceInputException(file + ": ModRM reg '" + reg + "' is not 0-7");
                        }
                        byReg[reg.charAt(0) - '0'] = sub.form;
                    }
                }
                default -> p.skipChildren();
            }
        }
        return new Entry(new Form(status, mask), byReg);
    }
}
