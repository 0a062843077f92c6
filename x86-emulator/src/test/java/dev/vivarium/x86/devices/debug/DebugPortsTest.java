package dev.vivarium.x86.devices.debug;

import dev.vivarium.x86.devices.IoBus;
import dev.vivarium.x86.devices.Snapshots;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DebugPortsTest {

    private final IoBus bus = new IoBus();
    private final List<Integer> exits = new ArrayList<>();
    private final DebugConsole console = new DebugConsole().attach(bus);
    private final PostCodeLatch post = new PostCodeLatch().attach(bus);
    private final DebugExit exit = new DebugExit(exits::add).attach(bus);

    @Test
    void debugConsoleWritesToSubscribersAndIdentifiesItself() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        console.output().subscribe(out::write);
        for (char c : "ok\n".toCharArray()) {
            bus.out(0xE9, 1, c);
        }
        assertThat(out.toString()).isEqualTo("ok\n");
        assertThat(bus.in(0xE9, 1)).isEqualTo(0xE9);
    }

    @Test
    void postCodeLatchKeepsLastByte() {
        bus.out(0x80, 1, 0x12);
        bus.out(0x80, 1, 0x34);
        assertThat(post.lastCode()).isEqualTo(0x34);
        assertThat(bus.in(0x80, 1)).isEqualTo(0x34);
        assertThat(post.writes()).isEqualTo(2);
    }

    @Test
    void debugExitTakesLowByteOfAnyWidth() {
        assertThat(exit.exitRequest()).isEmpty();
        bus.out(0xF4, 4, 0x1234_5607);
        assertThat(exit.exitRequest()).hasValue(7);
        assertThat(exits).containsExactly(7);
        byte[] state = Snapshots.capture(exit, post);
        DebugExit copy = new DebugExit();
        PostCodeLatch post2 = new PostCodeLatch();
        Snapshots.restore(state, copy, post2);
        assertThat(copy.exitRequest()).hasValue(7);
        exit.clear();
        assertThat(exit.exitRequest()).isEmpty();
    }
}
