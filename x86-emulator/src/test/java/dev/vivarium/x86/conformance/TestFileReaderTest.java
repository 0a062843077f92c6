package dev.vivarium.x86.conformance;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestFileReaderTest {

    @TempDir
    Path dir;

    private static final String DIV = """
            {"idx":7,"name":"div bl","bytes":[246,243,244],
             "initial":{"regs":{"ax":10,"bx":0,"cx":3,"dx":4,"cs":5,"ss":6,"ds":7,"es":8,"sp":9,"bp":10,
                                "si":11,"di":12,"ip":13,"flags":61442},
                        "ram":[[98,246],[99,243],[100,244],[0,1],[1,0],[2,2],[3,0]],
                        "queue":[1,2]},
             "final":{"regs":{"cs":2,"sp":3,"ip":1,"flags":2},"ram":[[101,13],[102,0]]},
             "exception":{"number":0,"flag_address":103},
             "cycles":[[1,2,3]],
             "hash":"abc123"}""";

    private List<TestCase> read(Path file) {
        List<TestCase> tests = new ArrayList<>();
        new TestFileReader().read(file, t -> {
            tests.add(t);
            return true;
        });
        return tests;
    }

    @Test
    void readsEveryFieldAndSkipsUnknownOnes() {
        Path file = dir.resolve("F6.6.json.gz");
        Fixtures.writeGz(file, "[" + DIV + "]");
        List<TestCase> tests = read(file);
        assertThat(tests).hasSize(1);
        TestCase t = tests.get(0);
        assertThat(t.form()).isEqualTo("F6.6");
        assertThat(t.index()).isEqualTo(7);
        assertThat(t.name()).isEqualTo("div bl");
        assertThat(t.hash()).isEqualTo("abc123");
        assertThat(t.code()).containsExactly(0xF6, 0xF3, 0xF4);
        assertThat(t.initial(Register.AX)).isEqualTo(10);
        assertThat(t.initial(Register.DI)).isEqualTo(12);
        assertThat(t.initialRegs()[Register.FLAGS.ordinal()]).isEqualTo(61442);
        assertThat(t.initial(Register.FLAGS)).isEqualTo(2);
        assertThat(t.initialRam().size()).isEqualTo(7);
        assertThat(t.initialRam().address(1)).isEqualTo(99);
        assertThat(t.initialRam().value(1)).isEqualTo(243);
        assertThat(t.expected(Register.CS)).isEqualTo(2);
        assertThat(t.expected(Register.AX)).isEqualTo(10); // unchanged: the initial value
        assertThat(t.finalRegs()[Register.AX.ordinal()]).isEqualTo(-1);
        assertThat(t.finalRam().valueAt(101)).isEqualTo(13);
        assertThat(t.finalRam().valueAt(104)).isEqualTo(-1);
        assertThat(t.exception()).isZero();
    }

    @Test
    void readsPlainJsonAndStopsWhenTheSinkSaysSo() throws IOException {
        Path file = dir.resolve("40.json");
        Files.writeString(file, "[" + Fixtures.incAx(0, 2, 2) + "," + Fixtures.incAx(1, 2, 2) + ","
                + Fixtures.incAx(2, 2, 2) + "]");
        assertThat(read(file)).extracting(TestCase::index).containsExactly(0, 1, 2);
        List<Integer> seen = new ArrayList<>();
        new TestFileReader().read(file, t -> {
            seen.add(t.index());
            return seen.size() < 2;
        });
        assertThat(seen).containsExactly(0, 1);
        assertThat(TestFileReader.formOf(file)).isEqualTo("40");
    }

    @Test
    void aTestWithoutExceptionHasNone() {
        Path file = dir.resolve("40.json.gz");
        Fixtures.writeGz(file, "[" + Fixtures.incAx(0, 2, 2) + "]");
        TestCase t = read(file).get(0);
        assertThat(t.raisesException()).isFalse();
        assertThat(t.exception()).isEqualTo(-1);
    }

    @Test
    void corruptGzipIsBadInput() throws IOException {
        Path file = dir.resolve("00.json.gz");
        Files.write(file, new byte[] {0x1F, (byte) 0x8B, 8, 0, 1, 2, 3, 4, 5, 6, 7});
        assertThatThrownBy(() -> read(file)).isInstanceOf(ConformanceInputException.class)
                .hasMessageContaining("00.json.gz");
        Path notGzip = dir.resolve("01.json.gz");
        Files.writeString(notGzip, "[]");
        assertThatThrownBy(() -> read(notGzip)).isInstanceOf(ConformanceInputException.class);
    }

    @Test
    void truncatedOrMalformedJsonIsBadInput() {
        String whole = "[" + Fixtures.incAx(0, 2, 2) + "]";
        Path truncated = dir.resolve("a.json.gz");
        Fixtures.writeGz(truncated, whole.substring(0, whole.length() / 2));
        assertThatThrownBy(() -> read(truncated)).isInstanceOf(ConformanceInputException.class)
                .hasMessageContaining("not valid JSON");

        Path object = dir.resolve("b.json.gz");
        Fixtures.writeGz(object, "{}");
        assertThatThrownBy(() -> read(object)).hasMessageContaining("expected a JSON array");
    }

    @Test
    void missingOrOutOfRangeFieldsAreBadInput() {
        Path noIp = dir.resolve("c.json.gz");
        Fixtures.writeGz(noIp, "[" + Fixtures.incAx(0, 2, 2).replace("\"ip\":256,", "") + "]");
        assertThatThrownBy(() -> read(noIp)).hasMessageContaining("initial.regs lacks 'ip'");

        Path big = dir.resolve("d.json.gz");
        Fixtures.writeGz(big, "[" + Fixtures.incAx(0, 70000, 2) + "]");
        assertThatThrownBy(() -> read(big)).hasMessageContaining("70000 is outside 0..65535");

        Path reg = dir.resolve("e.json.gz");
        Fixtures.writeGz(reg, "[" + Fixtures.incAx(0, 2, 2).replace("\"bx\":0", "\"eax\":0") + "]");
        assertThatThrownBy(() -> read(reg)).hasMessageContaining("unknown register 'eax'");

        Path pair = dir.resolve("f.json.gz");
        Fixtures.writeGz(pair, "[" + Fixtures.incAx(0, 2, 2).replace("[65792,64]", "[65792]") + "]");
        assertThatThrownBy(() -> read(pair)).hasMessageContaining("[address, byte] pairs");
    }
}
