package dev.vivarium.x86.cpu.diff;

import static dev.vivarium.x86.cpu.diff.Inputs.EBP;
import static dev.vivarium.x86.cpu.diff.Inputs.EBX;
import static dev.vivarium.x86.cpu.diff.Inputs.ECX;
import static dev.vivarium.x86.cpu.diff.Inputs.ESI;

import java.util.List;
import java.util.Random;

/**
 * Effective addresses: LEA over every ModRM/SIB combination of 32-bit addressing (encoded by hand,
 * so the assembler cannot pick a shorter form) and every 16-bit form, with 16-bit operand size
 * too; real memory accesses through SIB forms, segment overrides and XLAT.
 */
final class AddressingSnippets {

    /** Destinations LEA may write without disturbing the stack. */
    private static final int[] DESTINATIONS = {0, 1, 2, 3, 5, 6, 7};

    private AddressingSnippets() {
    }

    static List<Snippet> all() {
        Snippet.Builder b = new Snippet.Builder("addressing");
        Random fixed = new Random(386); // the catalogue is the same on every run; only the cases vary with the seed
        Defined none = Defined.NONE_AFFECTED;
        int n = 0;
        for (int mod = 0; mod < 3; mod++) {
            for (int rm = 0; rm < 8; rm++) {
                if (rm != 4) {
                    int dest = DESTINATIONS[n++ % DESTINATIONS.length];
                    String disp = displacement(mod, mod == 0 && rm == 5 ? 4 : 0, fixed);
                    b.add(bytes("0x8d", modrm(mod, dest, rm)) + disp, 6, none);
                    continue;
                }
                for (int base = 0; base < 8; base++) {
                    for (int index = 0; index < 8; index++) {
                        int dest = DESTINATIONS[n++ % DESTINATIONS.length];
                        int scale = (base + index + mod) & 3;
                        String disp = displacement(mod, mod == 0 && base == 5 ? 4 : 0, fixed);
                        String prefix = (base * 8 + index) % 5 == 0 ? "0x66, " : "";
                        b.add(bytes(prefix + "0x8d", modrm(mod, dest, 4), scale << 6 | index << 3 | base) + disp, 6, none);
                    }
                }
            }
        }
        // 16-bit addressing (67 prefix), with 32- and 16-bit destinations.
        for (int mod = 0; mod < 3; mod++) {
            for (int rm = 0; rm < 8; rm++) {
                int dest = DESTINATIONS[n++ % DESTINATIONS.length];
                int dispBytes = mod == 1 ? 1 : mod == 2 || rm == 6 ? 2 : 0;
                String disp = displacementBytes(dispBytes, fixed);
                b.add(bytes("0x67, 0x8d", modrm(mod, dest, rm)) + disp, 8, none);
                b.add(bytes("0x66, 0x67, 0x8d", modrm(mod, DESTINATIONS[(dest + 3) % 7], rm)) + disp, 4, none);
            }
        }
        Shaper ptr = Shaper.pointer(ESI);
        Shaper index = Shaper.below(ECX, 0x100).then(in -> in.set(ECX, in.get(ECX) - 0x80));
        b.add("mov eax, dword ptr [esi+ecx*4+8]", 16, none, ptr.then(index))
                .add("mov dword ptr [esi+ecx*2-0x11], edx", 16, none, ptr.then(index))
                .add("add byte ptr [ecx+esi], bl", 16, Defined.ARITHMETIC, ptr.then(index))
                .add("mov ax, word ptr [esi+ecx*8+0x100]", 16, none, ptr.then(index))
                .add("mov eax, dword ptr [esp+4]", 8, none)
                .add("mov dword ptr [esp+8], ebx\nmov ecx, [esp+8]", 8, none)
                .add("mov eax, dword ptr [esp+ecx]", 8, none, index)
                .add("mov eax, dword ptr [ebp-8]\nmov dword ptr [ebp+4], ecx", 8, none, Shaper.FRAME)
                .add("mov eax, dword ptr es:[esi]", 8, none, ptr)
                .add("mov eax, dword ptr ss:[esi+2]", 8, none, ptr)
                .add("mov eax, dword ptr cs:[esi]", 8, none, ptr)
                .add("sub dword ptr ss:[esi], eax", 8, Defined.ARITHMETIC, ptr)
                .add("mov ebx, dword ptr ds:[ebp+1]", 8, none, Shaper.FRAME)
                .add("xlatb", 16, none, Shaper.pointer(EBX))
                .add("lea edi, [esi+1]\nmov al, byte ptr [edi]", 8, none, ptr)
                .add("mov edi, esi\nmovzx eax, word ptr [edi+ebp]", 8, none, ptr.then(in -> in.set(EBP, in.random.nextInt(64) - 32)));
        return b.build();
    }

    private static int modrm(int mod, int reg, int rm) {
        return mod << 6 | reg << 3 | rm;
    }

    private static String bytes(String prefix, int... values) {
        StringBuilder s = new StringBuilder(".byte " + prefix);
        for (int v : values) {
            s.append(", 0x").append(Integer.toHexString(v));
        }
        return s.toString();
    }

    /** The displacement bytes of a 32-bit ModRM (mod 1: disp8, mod 2: disp32, or {@code forced} bytes). */
    private static String displacement(int mod, int forced, Random r) {
        int length = mod == 1 ? 1 : mod == 2 ? 4 : forced;
        return displacementBytes(length, r);
    }

    private static String displacementBytes(int length, Random r) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
            s.append(", 0x").append(Integer.toHexString(r.nextInt(256)));
        }
        return s.toString();
    }
}
