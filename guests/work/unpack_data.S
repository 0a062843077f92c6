/* The archive made by tools/mkarchive at build time (found through -Wa,-I). */
    .section .rodata
    .globl vza_archive, vza_archive_end
    .balign 4
vza_archive:
    .incbin "archive.vza"
vza_archive_end:
    .section .note.GNU-stack, "", @progbits
