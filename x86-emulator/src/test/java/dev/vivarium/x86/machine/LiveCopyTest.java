package dev.vivarium.x86.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vivarium.x86.memory.DirtyPages;
import dev.vivarium.x86.memory.GuestMemory;
import dev.vivarium.x86.state.StateFormatException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What live migration does, inside one JVM: copy every page while the guest runs, then round
 * after round the pages its migration log says it dirtied meanwhile, then stop, copy the last
 * dirty pages and the machine without memory. The copy then runs on exactly as the original
 * would have, instruction for instruction.
 */
class LiveCopyTest {

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
            "memdirty | wss_kb=512 rate_pages=16 period_ms=1 periods=400 report=20 | 3",
            "counter  | count=50 period_ms=2                                          | 4",
            "unpack   | rounds=1                                                    | 2"})
    void aCopyMadeWhileTheGuestRunsGoesOnAsTheOriginal(String program, String cmdline, int rounds) throws Exception {
        MachineConfig config = new MachineConfig(16 << 20, new MachineConfig.MultibootKernel(TestImages.image(program), cmdline),
                null, false, MachineConfig.DEFAULT_START_EPOCH_NANOS);
        CaptureRestoreTest.Run source = new CaptureRestoreTest.Run(PcMachine.create(config));
        source.advance(300_000);
        PcMachine target = PcMachine.createForRestore(config);
        GuestMemory from = source.machine.memory();
        from.takeDirty(GuestMemory.DirtyLog.MIGRATION);

        byte[] page = new byte[GuestMemory.PAGE_SIZE];
        for (int pn = 0; pn < from.ramPages(); pn++) {
            copy(from, target.memory(), pn, page);
            if (pn % 512 == 0) {
                source.advance(7_919); // the guest runs between chunks of the first pass
            }
        }
        int sent = 0;
        for (int round = 0; round < rounds; round++) {
            source.advance(123_457);
            DirtyPages dirty = from.takeDirty(GuestMemory.DirtyLog.MIGRATION);
            sent += dirty.count();
            dirty.forEach(pn -> copy(from, target.memory(), pn, page));
        }
        source.advance(50_001);
        // The switch-over: the source stops, the last dirty pages and the machine without memory go.
        from.takeDirty(GuestMemory.DirtyLog.MIGRATION).forEach(pn -> copy(from, target.memory(), pn, page));
        target.restoreWithoutMemory(source.machine.captureWithoutMemory());
        assertThat(StateDiff.firstDifference(target.capture(), source.machine.capture())).as("the copy at the switch-over").isNull();
        if (program.equals("memdirty")) {
            assertThat(sent).as("pages dirtied while the first pass ran were sent again").isPositive();
        }

        CaptureRestoreTest.Run copy = new CaptureRestoreTest.Run(target);
        source.advance(400_000);
        copy.advance(400_000);
        assertThat(copy.machine.cpu().instructions()).isEqualTo(source.machine.cpu().instructions());
        assertThat(StateDiff.firstDifference(copy.machine.capture(), source.machine.capture())).as("after 400,000 more").isNull();
        source.machine.close();
        target.close();
    }

    @org.junit.jupiter.api.Test
    void aCaptureWithoutMemoryIsRefusedByAMachineOfAnotherSizeAndWhenDamaged() throws Exception {
        MachineConfig config = new MachineConfig(16 << 20, new MachineConfig.MultibootKernel(TestImages.image("hello"), ""),
                null, false, MachineConfig.DEFAULT_START_EPOCH_NANOS);
        PcMachine machine = PcMachine.create(config);
        machine.run(10_000);
        byte[] core = machine.captureWithoutMemory();
        assertThat(core.length).as("no page inside").isLessThan(GuestMemory.PAGE_SIZE);
        PcMachine bigger = PcMachine.createForRestore(new MachineConfig(32 << 20, config.boot(), null, false,
                config.startEpochNanos()));
        assertThatThrownBy(() -> bigger.restoreWithoutMemory(core)).isInstanceOf(StateFormatException.class).hasMessageContaining("MiB");
        byte[] damaged = core.clone();
        damaged[damaged.length / 2] ^= 1;
        PcMachine target = PcMachine.createForRestore(config);
        assertThatThrownBy(() -> target.restoreWithoutMemory(damaged)).isInstanceOf(StateFormatException.class);
        assertThatThrownBy(() -> target.restoreWithoutMemory(machine.capture()))
                .as("a full capture is not a capture without memory").isInstanceOf(StateFormatException.class);
        machine.close();
        bigger.close();
        target.close();
    }

    private static void copy(GuestMemory from, GuestMemory to, int pn, byte[] page) {
        to.installPage(pn, from.copyPage(pn, page) ? page : null);
    }
}
