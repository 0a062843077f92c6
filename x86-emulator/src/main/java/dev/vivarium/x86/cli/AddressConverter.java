package dev.vivarium.x86.cli;

import picocli.CommandLine;

/** Physical addresses in decimal or 0x-prefixed hexadecimal, below 4 GiB. */
final class AddressConverter implements CommandLine.ITypeConverter<Long> {

    @Override
    public Long convert(String value) {
        String v = value.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            long n = v.startsWith("0x") ? Long.parseLong(v.substring(2), 16) : Long.parseLong(v);
            if (n < 0 || n > 0xFFFF_FFFFL) {
                throw new CommandLine.TypeConversionException("address '" + value + "' is outside 0..0xFFFFFFFF");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not an address (decimal or 0x hex)");
        }
    }
}
