package dev.tollgate.routing.auto;

/**
 * Where the instruction sits in a user message. Prompts usually read "instruction: material" or
 * "material ... short question at the end" (a header ends at the first newline, ": " or "? "): words in the instruction weigh
 * {@link #INSTRUCTION_WEIGHT}, words in pasted material (an article, an email, code) weigh
 * {@link #MATERIAL_WEIGHT}, so "summarize this email: hi all, thanks ..." is about summarizing.
 * Finding the boundaries looks at no more than {@link #HEADER_CHARS_MAX} + {@link #TAIL_SEARCH_CHARS_MAX} characters.
 */
record Layout(int headEnd, int tailStart) {
    static final float INSTRUCTION_WEIGHT = 1.5f;
    static final float MATERIAL_WEIGHT = 0.5f;
    /** A header ends at the first newline or ": " within this many characters. */
    static final int HEADER_CHARS_MAX = 300;
    /** Without a header, this much of the start counts as instruction. */
    static final int HEAD_CHARS_DEFAULT = 400;
    /** A closing paragraph at most this long, after a blank line, counts as instruction. */
    static final int TAIL_PARAGRAPH_CHARS_MAX = 300;
    static final int TAIL_SEARCH_CHARS_MAX = 2048;
    /** Material shorter than this after a header does not make a header (e.g. "Solve: 2x = 4"). */
    static final int MATERIAL_CHARS_MIN = 80;

    /** Everything weighs the same (system prompt, earlier turns). */
    static final Layout UNIFORM = new Layout(Integer.MAX_VALUE, Integer.MAX_VALUE);

    static Layout of(String text) {
        int length = text.length();
        int headEnd = -1;
        for (int i = 0; i < length && i < HEADER_CHARS_MAX; i++) {
            char c = text.charAt(i);
            if (c == '\n' || (c == ':' || c == '?') && (i + 1 == length || Character.isWhitespace(text.charAt(i + 1)))) {
                headEnd = i;
                break;
            }
        }
        boolean header = headEnd >= 0 && length - headEnd >= MATERIAL_CHARS_MIN;
        if (!header) headEnd = Math.min(length, HEAD_CHARS_DEFAULT);
        int tailStart = length;
        int stop = Math.max(headEnd, length - TAIL_SEARCH_CHARS_MAX);
        for (int i = length - 2; i >= stop; i--) {
            if (text.charAt(i) == '\n' && text.charAt(i + 1) == '\n') {
                // after a header the instruction is at the start; a closing paragraph counts only as a question
                boolean asks = !header || text.indexOf('?', i) >= 0;
                if (length - i <= TAIL_PARAGRAPH_CHARS_MAX && asks) tailStart = i;
                break;
            }
        }
        if (!header && tailStart == length && length > 2 * HEAD_CHARS_DEFAULT) tailStart = length - HEAD_CHARS_DEFAULT;
        return new Layout(headEnd, tailStart);
    }

    boolean isInstruction(int at) { return at < headEnd || at >= tailStart; }

    float weight(int at) { return isInstruction(at) ? INSTRUCTION_WEIGHT : MATERIAL_WEIGHT; }
}
