/* The VL source compiled by the compile workload (found through -Wa,-I). */
    .section .rodata
    .globl vl_source
vl_source:
    .incbin "program.vl"
    .byte 0
    .section .note.GNU-stack, "", @progbits
