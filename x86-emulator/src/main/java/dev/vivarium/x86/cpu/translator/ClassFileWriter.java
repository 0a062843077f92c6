package dev.vivarium.x86.cpu.translator;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.vivarium.x86.cpu.translator.Opcodes.BIPUSH;
import static dev.vivarium.x86.cpu.translator.Opcodes.ICONST_0;
import static dev.vivarium.x86.cpu.translator.Opcodes.IINC;
import static dev.vivarium.x86.cpu.translator.Opcodes.LDC_W;
import static dev.vivarium.x86.cpu.translator.Opcodes.LOOKUPSWITCH;
import static dev.vivarium.x86.cpu.translator.Opcodes.SIPUSH;

/**
 * Just enough of a JVM class-file writer for {@link BlockCompiler}: one class with a constant
 * pool of classes, strings (UTF-8), integers and member references, and methods whose Code
 * attribute has an exception table and nothing else.
 *
 * <p>It writes class-file version 49 (Java 5): the JVM verifies such classes by type
 * inference, so no StackMapTable is needed (version 50 would first try the type-checking
 * verifier and only fall back to inference after it failed).
 */
final class ClassFileWriter {

    private static final int VERSION = 49;
    static final int ACC_PUBLIC = 0x0001, ACC_FINAL = 0x0010, ACC_SUPER = 0x0020;

    private final ByteArrayOutputStream poolBytes = new ByteArrayOutputStream();
    private final DataOutputStream pool = new DataOutputStream(poolBytes);
    private final Map<String, Integer> entries = new HashMap<>();
    private int poolCount = 1;
    private final int thisClass, superClass;
    private final List<Code> methods = new ArrayList<>();

    ClassFileWriter(String name, String superName) {
        thisClass = classRef(name);
        superClass = classRef(superName);
    }

    // ---- constant pool ----

    /** The index of the constant {@code key}, added (tag and body) if new. Entries it refers to are added by the caller first. */
    private int entry(String key, int tag, Body body) {
        Integer known = entries.get(key);
        if (known != null) {
            return known;
        }
        try {
            pool.writeByte(tag);
            body.write(pool);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int index = poolCount++;
        entries.put(key, index);
        return index;
    }

    private interface Body {
        void write(DataOutputStream out) throws IOException;
    }

    int utf8(String s) {
        return entry("U" + s, 1, out -> out.writeUTF(s));
    }

    int integer(int v) {
        return entry("I" + v, 3, out -> out.writeInt(v));
    }

    int classRef(String internalName) {
        int name = utf8(internalName);
        return entry("C" + internalName, 7, out -> out.writeShort(name));
    }

    private int nameAndType(String name, String desc) {
        int n = utf8(name);
        int d = utf8(desc);
        return entry("N" + name + ' ' + desc, 12, out -> {
            out.writeShort(n);
            out.writeShort(d);
        });
    }

    int fieldRef(String owner, String name, String desc) {
        return memberRef(9, owner, name, desc);
    }

    int methodRef(String owner, String name, String desc) {
        return memberRef(10, owner, name, desc);
    }

    private int memberRef(int tag, String owner, String name, String desc) {
        int c = classRef(owner);
        int nt = nameAndType(name, desc);
        return entry(tag + owner + '.' + name + desc, tag, out -> {
            out.writeShort(c);
            out.writeShort(nt);
        });
    }

    // ---- methods ----

    /** Starts a method; its code is written into the returned builder. */
    Code method(int access, String name, String desc, int maxStack, int maxLocals) {
        Code code = new Code(access, utf8(name), utf8(desc), maxStack, maxLocals);
        methods.add(code);
        return code;
    }

    byte[] toBytes() {
        int codeName = utf8("Code");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(0xCAFEBABE);
            out.writeShort(0);
            out.writeShort(VERSION);
            out.writeShort(poolCount);
            pool.flush();
            poolBytes.writeTo(out);
            out.writeShort(ACC_PUBLIC | ACC_FINAL | ACC_SUPER);
            out.writeShort(thisClass);
            out.writeShort(superClass);
            out.writeShort(0); // interfaces
            out.writeShort(0); // fields
            out.writeShort(methods.size());
            for (Code m : methods) {
                m.write(out, codeName);
            }
            out.writeShort(0); // class attributes
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** A jump target; its position is fixed by {@link Code#place}. */
    static final class Label {
        int position = -1;
        /** Positions of the jump opcodes that refer to it before it is placed. */
        final List<Integer> uses = new ArrayList<>();
        /** Four-byte offsets of a switch to it: where each is written, and the switch opcode it counts from. */
        final List<int[]> wideUses = new ArrayList<>();
    }

    /** The bytecode of one method, with its exception table. */
    final class Code {
        private final int access, name, desc, maxStack, maxLocals;
        private final ByteArrayOutputStream code = new ByteArrayOutputStream();
        private final List<int[]> handlers = new ArrayList<>();
        private final List<Label> labels = new ArrayList<>();

        private Code(int access, int name, int desc, int maxStack, int maxLocals) {
            this.access = access;
            this.name = name;
            this.desc = desc;
            this.maxStack = maxStack;
            this.maxLocals = maxLocals;
        }

        int position() {
            return code.size();
        }

        void op(int opcode) {
            code.write(opcode);
        }

        private void u2(int v) {
            code.write(v >>> 8);
            code.write(v);
        }

        void iconst(int v) {
            if (v >= -1 && v <= 5) {
                op(ICONST_0 + v);
            } else if (v == (byte) v) {
                op(BIPUSH);
                code.write(v);
            } else if (v == (short) v) {
                op(SIPUSH);
                u2(v);
            } else {
                op(LDC_W);
                u2(integer(v));
            }
        }

        /** ILOAD, ALOAD, ISTORE or ASTORE of a local variable slot below 256. */
        void local(int opcode, int slot) {
            op(opcode);
            code.write(slot);
        }

        void field(int opcode, String owner, String name, String desc) {
            op(opcode);
            u2(fieldRef(owner, name, desc));
        }

        void invoke(int opcode, String owner, String name, String desc) {
            op(opcode);
            u2(methodRef(owner, name, desc));
        }

        void jump(int opcode, Label target) {
            if (target.uses.isEmpty() && target.wideUses.isEmpty()) {
                labels.add(target);
            }
            target.uses.add(position());
            op(opcode);
            u2(0); // patched in write() once every label is placed
        }

        void iinc(int slot, int delta) {
            op(IINC);
            code.write(slot);
            code.write(delta);
        }

        /** LOOKUPSWITCH on the int on the stack: {@code keys} (ascending, distinct) go to their targets, others to {@code otherwise}. */
        void lookupSwitch(int[] keys, Label[] targets, Label otherwise) {
            int at = position();
            op(LOOKUPSWITCH);
            while (position() % 4 != 0) {
                code.write(0);
            }
            wide(otherwise, at);
            u4(keys.length);
            for (int i = 0; i < keys.length; i++) {
                u4(keys[i]);
                wide(targets[i], at);
            }
        }

        private void wide(Label target, int switchAt) {
            if (target.uses.isEmpty() && target.wideUses.isEmpty()) {
                labels.add(target);
            }
            target.wideUses.add(new int[]{position(), switchAt});
            u4(0);
        }

        private void u4(int v) {
            u2(v >>> 16);
            u2(v);
        }

        void place(Label label) {
            label.position = position();
        }

        /** Exceptions of class {@code type} thrown in [from, to) go to {@code handler}. */
        void handler(int from, int to, int handler, String type) {
            handlers.add(new int[]{from, to, handler, classRef(type)});
        }

        /** The finished bytecode with every jump resolved. */
        private byte[] bytes() {
            byte[] b = code.toByteArray();
            for (Label label : labels) {
                if (label.position < 0) {
                    throw new IllegalStateException("a jump to a label never placed");
                }
                for (int at : label.uses) {
                    int offset = label.position - at;
                    if (offset != (short) offset) {
                        throw new IllegalStateException("a jump beyond 32 KiB");
                    }
                    b[at + 1] = (byte) (offset >> 8);
                    b[at + 2] = (byte) offset;
                }
                for (int[] use : label.wideUses) {
                    int offset = label.position - use[1];
                    for (int k = 0; k < 4; k++) {
                        b[use[0] + k] = (byte) (offset >> (24 - 8 * k));
                    }
                }
            }
            return b;
        }

        int length() {
            return code.size();
        }

        private void write(DataOutputStream out, int codeName) throws IOException {
            byte[] b = bytes();
            out.writeShort(access);
            out.writeShort(name);
            out.writeShort(desc);
            out.writeShort(1); // attributes: Code
            out.writeShort(codeName);
            out.writeInt(12 + b.length + 8 * handlers.size());
            out.writeShort(maxStack);
            out.writeShort(maxLocals);
            out.writeInt(b.length);
            out.write(b);
            out.writeShort(handlers.size());
            for (int[] h : handlers) {
                out.writeShort(h[0]);
                out.writeShort(h[1]);
                out.writeShort(h[2]);
                out.writeShort(h[3]);
            }
            out.writeShort(0); // Code attributes
        }
    }
}
