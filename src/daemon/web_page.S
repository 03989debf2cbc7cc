/* SPDX-License-Identifier: GPL-2.0-only */
/* web/index.html, built into hyperiond: the page needs no other file. */
	.section .rodata
	.global hyp_web_page
	.global hyp_web_page_end
hyp_web_page:
	.incbin "web/index.html"
hyp_web_page_end:
	.byte 0
	.section .note.GNU-stack,"",@progbits
