package dev.vigil.stats;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Big-endian writer for the profile binary format; see {@code package-info.java}. A growable array written directly
 * (a profile is thousands of doubles; a {@code DataOutputStream} over a {@code ByteArrayOutputStream} took a lock per
 * value).
 */
final class ProfileWriter {
    private byte[] bytes = new byte[256];
    private int size;

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }

    ProfileWriter header(String magic, int version) {
        byte[] ascii = magic.getBytes(StandardCharsets.US_ASCII);
        ensure(ascii.length + 1);
        System.arraycopy(ascii, 0, bytes, size, ascii.length);
        size += ascii.length;
        bytes[size++] = (byte) version;
        return this;
    }

    ProfileWriter writeInt(int value) {
        ensure(Integer.BYTES);
        bytes[size++] = (byte) (value >>> 24);
        bytes[size++] = (byte) (value >>> 16);
        bytes[size++] = (byte) (value >>> 8);
        bytes[size++] = (byte) value;
        return this;
    }

    ProfileWriter writeLong(long value) {
        ensure(Long.BYTES);
        for (int shift = 56; shift >= 0; shift -= 8) {
            bytes[size++] = (byte) (value >>> shift);
        }
        return this;
    }

    /**
     * A non-negative long as an unsigned LEB128 varint: 7 bits a byte, least significant first, the high bit set on
     * every byte but the last (1 byte below 128, at most 9).
     */
    ProfileWriter writeVarLong(long value) {
        if (value < 0) {
            throw new IllegalArgumentException("a varint is not negative, got " + value);
        }
        ensure(9);
        while (value >= 0x80) {
            bytes[size++] = (byte) (value | 0x80);
            value >>>= 7;
        }
        bytes[size++] = (byte) value;
        return this;
    }

    ProfileWriter writeDouble(double value) {
        return writeLong(Double.doubleToLongBits(value)); // NaN canonical, as DataOutputStream wrote it
    }

    /** A length-prefixed byte block (int length, then the bytes). */
    ProfileWriter writeBlock(byte[] block) {
        writeInt(block.length);
        ensure(block.length);
        System.arraycopy(block, 0, bytes, size, block.length);
        size += block.length;
        return this;
    }

    /** A length-prefixed UTF-8 string, with no 64 KiB limit. */
    ProfileWriter writeString(String value) {
        return writeBlock(value.getBytes(StandardCharsets.UTF_8));
    }

    byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }
}
