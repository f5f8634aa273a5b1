package dev.tollgate.routing.auto;

/**
 * One linear pass over a bounded piece of text: counts structure (code fences and code-like
 * tokens, math symbols, numbers, list items, questions, scripts) and feeds every word and every run of
 * two to four words to the {@link Lexicon}. No regular expressions; work is proportional to the
 * characters given, which the caller bounds.
 */
final class TextScan {
    private static final Lexicon LEXICON = Lexicon.get();

    private final Signals signals;
    private final byte[] hits = new byte[LEXICON.slots()];

    // structure counters (user text only)
    int fences, codeLines, callLike, semicolons, braces, codeOps, identifiers, backticks, clauses;
    int mathOps, mathSymbols, latex, numbers, listItems, questions, latin, nonLatin, cjkTranslate;
    // word-level counters
    int constraints, naturalLanguages, programmingLanguages;
    float translationIntoLanguage;

    // per-pass state
    private char[] buf = new char[256];
    private int len;
    private final int[] starts = new int[4];
    /** Whether the word at {@code starts[i]} begins some phrase of the lexicon. */
    private final boolean[] starters = new boolean[4];
    private static final TaskType[] TASK_TYPES = TaskType.values();
    private int words;
    private Lexicon.Entry previousWord;
    private boolean structure;
    private float weight;
    private float complexityFactor;
    private Layout layout;
    /** Per task, the strongest phrase (weight >= {@link #VERB_WEIGHT_MIN}) seen in the instruction. */
    final float[] instructionVerb = new float[Lexicon.TASKS];
    static final float VERB_WEIGHT_MIN = 3f;
    /** Words in pasted material say less about the job than words in the instruction. */
    static final float MATERIAL_COMPLEXITY_FACTOR = 0.4f;

    TextScan(Signals signals) {
        this.signals = signals;
    }

    /**
     * Scans {@code text[from, to)}. {@code layout} says which positions are instruction and which
     * material; {@code weight} scales everything (system prompt, history); {@code structure} says
     * whether structural counters apply (user text only).
     */
    void scan(String text, int from, int to, Layout layout, float weight, boolean structure) {
        this.layout = layout;
        this.weight = weight;
        this.structure = structure;
        this.complexityFactor = structure ? 1f : 0.3f;
        if (buf.length < to - from + 8) buf = new char[to - from + 8];
        len = 0;
        words = 0;
        previousWord = null;
        boolean inFence = false;
        boolean lineStart = true;
        int wordStartAt = -1;
        char prev = '\n';
        char prevNonSpace = '\n';
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c == '`' && i + 2 < to && text.charAt(i + 1) == '`' && text.charAt(i + 2) == '`') {
                endWord(wordStartAt);
                wordStartAt = -1;
                inFence = !inFence;
                fences++;
                i += 2;
                prev = '`';
                continue;
            }
            if (inFence) {
                if (c == '\n') codeLines++;
                prev = c;
                continue;
            }
            if (c == '\n') {
                lineStart = true;
            } else if (lineStart && c != ' ' && c != '\t' && c != '\r') {
                lineStart = false;
                if (isListMarker(text, i, to)) listItems++;
            }
            if (structure) {
                countStructure(text, i, to, c, prev, prevNonSpace);
                if (isClauseEnd(text, i, to, c) && layout.isInstruction(i)) clauses++;
            }
            if (isWordChar(text, i, to, c, prev)) {
                if (wordStartAt < 0) {
                    wordStartAt = i;
                    if (len > 0) buf[len++] = ' ';
                    shiftStarts();
                }
                buf[len++] = c >= 'A' && c <= 'Z' ? (char) (c + 32) : c < 0x80 ? c : Character.toLowerCase(c);
            } else if (wordStartAt >= 0) {
                endWord(wordStartAt);
                wordStartAt = -1;
            }
            prev = c;
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') prevNonSpace = c;
        }
        if (wordStartAt >= 0) endWord(wordStartAt);
    }

    private void shiftStarts() {
        starters[3] = starters[2];
        starters[2] = starters[1];
        starters[1] = starters[0];
        starters[0] = false;
        starts[3] = starts[2];
        starts[2] = starts[1];
        starts[1] = starts[0];
        starts[0] = len;
        words++;
    }

    private static boolean isWordChar(String text, int i, int to, char c, char prev) {
        if (c < 0x80) {
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') return true;
        } else if (Character.isLetterOrDigit(c)) {
            return true;
        }
        if ((c == '\'' || c == '\u2019') && Character.isLetter(prev) && i + 1 < to && Character.isLetter(text.charAt(i + 1))) {
            return true; // don't, it's
        }
        if (c == ',' && Character.isDigit(prev) && i + 1 < to && Character.isDigit(text.charAt(i + 1))) return true;
        // c++ and c#: the symbol sticks to a lone 'c'
        return (c == '+' || c == '#') && (prev == 'c' || prev == 'C' || prev == '+')
                && (i < 2 || !Character.isLetterOrDigit(text.charAt(i - (prev == '+' ? 3 : 2))));
    }

    /** A comma, semicolon or sentence end followed by a space: one more ask in an instruction. */
    private static boolean isClauseEnd(String text, int i, int to, char c) {
        if (c != ',' && c != ';' && c != '.' && c != '?' && c != '!') return false;
        return i + 1 < to && Character.isWhitespace(text.charAt(i + 1));
    }

    private static boolean isListMarker(String text, int i, int to) {
        char c = text.charAt(i);
        if ((c == '-' || c == '*' || c == '\u2022') && i + 1 < to && text.charAt(i + 1) == ' ') return true;
        int j = i;
        while (j < to && j - i < 3 && Character.isDigit(text.charAt(j))) j++;
        return j > i && j + 1 < to && (text.charAt(j) == '.' || text.charAt(j) == ')') && text.charAt(j + 1) == ' ';
    }

    private void countStructure(String text, int i, int to, char c, char prev, char prevNonSpace) {
        if (c >= 'a' && c <= 'z') {
            latin++;
            return;
        }
        if (c >= 'A' && c <= 'Z') {
            if (prev >= 'a' && prev <= 'z') identifiers++; // camelCase
            latin++;
            return;
        }
        if (c == ' ') return;
        if (c >= 0x80 && Character.isLetter(c)) {
            if (c <= '\u024f') latin++;
            else nonLatin++;
            if ((c == '\u8bd1' || c == '\u8a33') && prev == '\u7ffb') cjkTranslate++; // 翻译 / 翻訳
            if (c == '\uc5ed' && prev == '\ubc88') cjkTranslate++; // 번역
            return;
        }
        if (Character.isDigit(c)) {
            if (!Character.isLetterOrDigit(prev) && prev != '.' && prev != ',') numbers++;
            return;
        }
        char next = i + 1 < to ? text.charAt(i + 1) : '\n';
        switch (c) {
            case '?' -> questions++;
            case '(' -> { if (Character.isLetterOrDigit(prev) || prev == '_') callLike++; }
            case ';' -> { if (next == '\n' || next == '\r' || next == ' ' && nextNonSpace(text, i + 1, to) == '}') semicolons++; }
            case '{', '}' -> braces++;
            case '_' -> { if (Character.isLetter(prev) && Character.isLetter(next)) identifiers++; }
            case '`' -> backticks++;
            case '$' -> latex++;
            case '\\' -> { if (Character.isLetter(next)) latex++; }
            case ':' -> { if (next == ':') codeOps++; }
            case '&' -> { if (next == '&') codeOps++; }
            case '|' -> { if (next == '|') codeOps++; }
            case '!' -> { if (next == '=') codeOps++; }
            case '=' -> {
                if (next == '>' || next == '=') codeOps++;
                else mathOperator(text, i, to, prevNonSpace);
            }
            case '%' -> { if (Character.isDigit(prev)) mathOps++; }
            case '+', '-', '*', '/', '<', '>' -> mathOperator(text, i, to, prevNonSpace);
            case '^' -> mathOps++;
            default -> {
                if (isMathSymbol(c)) mathSymbols++;
            }
        }
    }

    private void mathOperator(String text, int i, int to, char prevNonSpace) {
        char after = nextNonSpace(text, i + 1, to);
        boolean left = Character.isDigit(prevNonSpace) || prevNonSpace == ')';
        boolean right = Character.isDigit(after) || after == '(';
        if (left && right) mathOps++;
    }

    private static char nextNonSpace(String text, int from, int to) {
        for (int j = from; j < to && j < from + 3; j++) {
            char c = text.charAt(j);
            if (c != ' ' && c != '\t') return c;
        }
        return '\n';
    }

    private static boolean isMathSymbol(char c) {
        return switch (c) {
            case '\u222b', '\u2211', '\u221a', '\u03c0', '\u2264', '\u2265', '\u2260', '\u221e', '\u00b1', '\u00d7',
                 '\u00f7', '\u00b2', '\u00b3', '\u2202', '\u2206', '\u03b8', '\u2208', '\u2200', '\u2203', '\u2248' -> true;
            default -> false;
        };
    }

    /** Looks up the word that just ended, and the pair and triple ending with it. */
    private void endWord(int wordStartAt) {
        if (wordStartAt < 0) return;
        boolean instruction = layout.isInstruction(wordStartAt);
        float w = weight * layout.weight(wordStartAt);
        int end = len;
        Lexicon.Entry word = LEXICON.find(buf, starts[0], end);
        if (word != null) {
            apply(word, w, instruction);
            starters[0] = (word.flags & Lexicon.STARTER) != 0;
        }
        for (int n = 1; n < starts.length && n < words; n++) {
            if (!starters[n]) continue;
            Lexicon.Entry phrase = LEXICON.find(buf, starts[n], end);
            if (phrase != null) apply(phrase, w, instruction);
        }
        if (word != null) combine(word, w, end);
        previousWord = word;
    }

    /** Repeats count less: first hit full, the next four a quarter each, then nothing. */
    private void apply(Lexicon.Entry e, float w, boolean instruction) {
        int slot = LEXICON.indexOf(e);
        int seen = hits[slot];
        if (seen >= 5) return;
        hits[slot] = (byte) (seen + 1);
        float damp = seen == 0 ? 1f : 0.25f;
        for (int t = 0; t < Lexicon.TASKS; t++) {
            if (e.task[t] <= 0) continue;
            if (instruction) signals.task(TASK_TYPES[t], e.task[t] * w * damp, e.label);
            else signals.materialTask(TASK_TYPES[t], e.task[t] * w * damp, e.label);
            if (instruction && structure && e.task[t] >= VERB_WEIGHT_MIN) {
                instructionVerb[t] = Math.max(instructionVerb[t], e.task[t]);
            }
        }
        if (e.complexity != 0 && seen == 0) {
            signals.complexity(e.complexity * complexityFactor * (instruction ? 1f : MATERIAL_COMPLEXITY_FACTOR), e.label);
        }
        if ((e.flags & Lexicon.CONSTRAINT) != 0 && structure) constraints++;
    }

    /** Signals that depend on the previous word: "into French", "500 words". */
    private void combine(Lexicon.Entry word, float w, int end) {
        if ((word.flags & Lexicon.PROGRAMMING_LANGUAGE) != 0) programmingLanguages++;
        if ((word.flags & Lexicon.NATURAL_LANGUAGE) != 0) {
            naturalLanguages++;
            float points = 0.3f;
            if (previousWord != null && (previousWord.flags & Lexicon.DIRECTION) != 0) {
                points = previousWord.phrase.equals("into") || previousWord.phrase.equals("to") ? 2.5f : 1.5f;
            }
            translationIntoLanguage += points * w;
            signals.task(TaskType.TRANSLATION, points * w, previousWord != null && points > 1
                    ? "'" + previousWord.phrase + " " + word.phrase + "'" : "language '" + word.phrase + "'");
        }
        if ((word.flags & Lexicon.OUTPUT_UNIT) != 0 && words >= 2 && structure) outputLength(word, end);
    }

    private void outputLength(Lexicon.Entry unit, int end) {
        long n = 0;
        for (int i = starts[1]; i < starts[0] - 1 && i < end; i++) {
            char c = buf[i];
            if (c == ',') continue;
            if (c < '0' || c > '9' || n > 1_000_000) return;
            n = n * 10 + (c - '0');
        }
        if (n == 0) return;
        boolean wordsUnit = unit.phrase.equals("words");
        if (wordsUnit && n >= 800 || !wordsUnit && n >= 5 && !unit.phrase.equals("sentences") && !unit.phrase.equals("lines")) {
            signals.complexity(1.5f, "long output (" + n + " " + unit.phrase + ")");
        } else if (wordsUnit && n <= 60 || n <= 2) {
            signals.complexity(-0.75f, "short output (" + n + " " + unit.phrase + ")");
        }
    }
}
