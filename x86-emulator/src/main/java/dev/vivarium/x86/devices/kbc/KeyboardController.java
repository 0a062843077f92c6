package dev.vivarium.x86.devices.kbc;

import dev.vivarium.x86.devices.ByteIoDevice;
import dev.vivarium.x86.devices.IoBus;
import dev.vivarium.x86.devices.IrqLine;
import dev.vivarium.x86.state.Snapshottable;
import dev.vivarium.x86.state.StateReader;
import dev.vivarium.x86.state.StateWriter;

import java.util.ArrayDeque;

/**
 * The 8042 keyboard controller at 0x60 (data) and 0x64 (status/command), as far as a PC
 * needs it without a keyboard being typed on: the command byte (0x20/0x60), self tests
 * (0xAA, 0xAB), enable/disable (0xAD/0xAE, 0xA7/0xA8), the output port (0xD0/0xD1) whose
 * bit 1 is the A20 gate and bit 0 the CPU reset line, the A20 shortcuts 0xDD/0xDF, and the
 * reset pulse 0xFE (any 0xF0-0xFF pulse with bit 0 clear). Bytes sent to the keyboard are
 * answered like an idle AT keyboard would (ACK, reset 0xAA, ID 0xAB 0x83, echo). IRQ 1 is
 * raised while output is waiting and the command byte enables it. The controller has no
 * input buffer delay: IBF always reads 0.
 */
public final class KeyboardController extends ByteIoDevice implements Snapshottable {

    public static final int DATA_PORT = 0x60;
    public static final int COMMAND_PORT = 0x64;
    private static final int STATUS_OBF = 0x01, STATUS_SYSTEM = 0x04, STATUS_COMMAND = 0x08, STATUS_UNLOCKED = 0x10;
    private static final int OUTPUT_RESET = 0x01, OUTPUT_A20 = 0x02;
    private static final int QUEUE_LIMIT = 16;

    private final A20Gate a20;
    private final Runnable resetRequest;
    private final IrqLine irq1;
    private final ArrayDeque<Integer> output = new ArrayDeque<>();
    /** 0x45 is what BIOSes leave: translation on, system flag set, keyboard interrupt on. */
    private int commandByte = 0x45;
    private int pendingCommand;
    private boolean lastWriteWasCommand;
    private int keyboardParameterFor;

    public KeyboardController(A20Gate a20, Runnable resetRequest, IrqLine irq1) {
        this.a20 = a20;
        this.resetRequest = resetRequest;
        this.irq1 = irq1;
    }

    public KeyboardController attach(IoBus bus) {
        bus.map(DATA_PORT, 1, this);
        bus.map(COMMAND_PORT, 1, this);
        return this;
    }

    private int outputPort() {
        return OUTPUT_RESET | (a20.enabled() ? OUTPUT_A20 : 0);
    }

    @Override
    protected int inByte(int port) {
        if (port == COMMAND_PORT) {
            return (output.isEmpty() ? 0 : STATUS_OBF) | (commandByte & STATUS_SYSTEM)
                    | (lastWriteWasCommand ? STATUS_COMMAND : 0) | STATUS_UNLOCKED;
        }
        Integer b = output.poll();
        updateIrq();
        return b == null ? 0 : b;
    }

    @Override
    protected void outByte(int port, int value) {
        if (port == COMMAND_PORT) {
            lastWriteWasCommand = true;
            command(value);
        } else {
            lastWriteWasCommand = false;
            data(value);
        }
        updateIrq();
    }

    private void command(int cmd) {
        pendingCommand = 0;
        switch (cmd) {
            case 0x20 -> reply(commandByte);
            case 0x60, 0xD1, 0xD2 -> pendingCommand = cmd;
            case 0xA7 -> commandByte |= 0x20;
            case 0xA8 -> commandByte &= ~0x20;
            case 0xA9, 0xAB -> reply(0x00); // interface tests pass
            case 0xAA -> reply(0x55); // self test passed
            case 0xAD -> commandByte |= 0x10;
            case 0xAE -> commandByte &= ~0x10;
            case 0xC0 -> reply(0xFF); // input port: nothing notable
            case 0xD0 -> reply(outputPort());
            case 0xDD -> a20.setFromKeyboardController(false);
            case 0xDF -> a20.setFromKeyboardController(true);
            default -> {
                if (cmd >= 0xF0 && (cmd & OUTPUT_RESET) == 0) {
                    resetRequest.run(); // 0xFE and friends pulse the reset line
                }
            }
        }
    }

    private void data(int value) {
        int cmd = pendingCommand;
        pendingCommand = 0;
        switch (cmd) {
            case 0x60 -> commandByte = value;
            case 0xD1 -> {
                a20.setFromKeyboardController((value & OUTPUT_A20) != 0);
                if ((value & OUTPUT_RESET) == 0) {
                    resetRequest.run();
                }
            }
            case 0xD2 -> reply(value); // echo as if typed
            default -> keyboard(value);
        }
    }

    /** A byte for the keyboard itself: answer as an idle AT keyboard. */
    private void keyboard(int value) {
        if (keyboardParameterFor != 0) {
            keyboardParameterFor = 0;
            reply(0xFA);
            return;
        }
        switch (value) {
            case 0xFF -> {
                reply(0xFA);
                reply(0xAA);
            }
            case 0xF2 -> {
                reply(0xFA);
                reply(0xAB);
                reply(0x83);
            }
            case 0xEE -> reply(0xEE);
            case 0xED, 0xF3 -> {
                keyboardParameterFor = value;
                reply(0xFA);
            }
            default -> reply(0xFA);
        }
    }

    private void reply(int b) {
        if (output.size() < QUEUE_LIMIT) {
            output.add(b & 0xFF);
        }
    }

    private void updateIrq() {
        irq1.set(!output.isEmpty() && (commandByte & 0x01) != 0);
    }

    @Override
    public void save(StateWriter out) {
        out.beginSection("kbc").writeInt(commandByte).writeInt(pendingCommand).writeBoolean(lastWriteWasCommand)
                .writeInt(keyboardParameterFor).writeInt(output.size());
        output.forEach(out::writeInt);
        out.endSection("kbc");
    }

    @Override
    public void restore(StateReader in) {
        in.beginSection("kbc");
        commandByte = in.readInt(0, 0xFF, "8042 command byte");
        pendingCommand = in.readInt(0, 0xFF, "8042 pending command");
        lastWriteWasCommand = in.readBoolean();
        keyboardParameterFor = in.readInt(0, 0xFF, "keyboard parameter");
        int n = in.readInt(0, QUEUE_LIMIT, "8042 output queue length");
        output.clear();
        for (int i = 0; i < n; i++) {
            output.add(in.readInt(0, 0xFF, "8042 output byte"));
        }
        in.endSection("kbc");
    }
}
