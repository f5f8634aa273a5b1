package dev.tollgate.routing.auto;

import java.util.ArrayList;
import java.util.List;

/**
 * The weighted words and phrases (one to three words, lower case, single spaces) the analyser
 * looks for, with a lookup on a range of chars that allocates nothing. One phrase may feed several
 * task types and the complexity score. Brace groups expand to word forms:
 * {@code "summari{ze,zes,zed,zing}"}.
 */
final class Lexicon {
    static final int TASKS = TaskType.values().length;

    /** Flags for words that the scan combines with their neighbours. */
    static final int NATURAL_LANGUAGE = 1, PROGRAMMING_LANGUAGE = 2, TRANSLATE_VERB = 4,
            DIRECTION = 8, OUTPUT_UNIT = 16, CONSTRAINT = 32,
            STARTER = 64; // the first word of a longer phrase: only then are phrases starting there looked up

    /** One phrase (one to four words): weight per task type (index = ordinal), complexity points, flags. */
    static final class Entry {
        final String phrase;
        /** For reasoning strings: the phrase quoted, or a description when it is not ASCII. */
        final String label;
        final float[] task = new float[TASKS];
        float complexity;
        int flags;

        Entry(String phrase) {
            this.phrase = phrase;
            this.label = phrase.chars().allMatch(c -> c < 0x80) ? "'" + phrase + "'" : "non-English keyword";
        }
    }

    private static final Lexicon INSTANCE = build();

    private final Entry[] table;
    private final int mask;
    private final int size;

    private Lexicon(List<Entry> entries) {
        int cap = Integer.highestOneBit(Math.max(16, entries.size() * 4)) << 1;
        table = new Entry[cap];
        mask = cap - 1;
        size = entries.size();
        for (Entry e : entries) {
            int i = slot(e.phrase.hashCode());
            while (table[i] != null) i = (i + 1) & mask;
            table[i] = e;
        }
    }

    static Lexicon get() { return INSTANCE; }

    /** Spreads String hashes (whose low bits cluster for similar words) over the table. */
    private int slot(int hash) {
        return ((hash * 0x9E3779B9) >>> 16) & mask;
    }

    int size() { return size; }

    /** The entry for {@code buf[from, to)}, or null. Same hash as {@link String#hashCode()}. */
    Entry find(char[] buf, int from, int to) {
        int h = 0;
        for (int i = from; i < to; i++) h = 31 * h + buf[i];
        int len = to - from;
        for (int i = slot(h); ; i = (i + 1) & mask) {
            Entry e = table[i];
            if (e == null) return null;
            if (e.phrase.length() == len && e.phrase.hashCode() == h && matches(e.phrase, buf, from)) return e;
        }
    }

    private static boolean matches(String phrase, char[] buf, int from) {
        for (int i = 0; i < phrase.length(); i++) {
            if (phrase.charAt(i) != buf[from + i]) return false;
        }
        return true;
    }

    /** Index of an entry, stable for the lifetime of the lexicon (for per-request hit counts). */
    int indexOf(Entry e) {
        int i = slot(e.phrase.hashCode());
        while (table[i] != e) i = (i + 1) & mask;
        return i;
    }

    int slots() { return table.length; }

    // ---- the table -------------------------------------------------------------------------

    private static final class Builder {
        final java.util.Map<String, Entry> byPhrase = new java.util.LinkedHashMap<>();

        Entry entry(String phrase) { return byPhrase.computeIfAbsent(phrase, Entry::new); }

        void task(TaskType t, float weight, String... phrases) {
            for (String p : phrases) for (String form : expand(p)) entry(form).task[t.ordinal()] += weight;
        }

        void complexity(float points, String... phrases) {
            for (String p : phrases) for (String form : expand(p)) entry(form).complexity += points;
        }

        void flag(int flag, String... phrases) {
            for (String p : phrases) for (String form : expand(p)) entry(form).flags |= flag;
        }
    }

    static List<String> expand(String phrase) {
        int open = phrase.indexOf('{');
        if (open < 0) return List.of(phrase);
        int close = phrase.indexOf('}', open);
        List<String> out = new ArrayList<>();
        for (String alt : phrase.substring(open + 1, close).split(",", -1)) {
            out.addAll(expand(phrase.substring(0, open) + alt + phrase.substring(close + 1)));
        }
        return out;
    }

    private static Lexicon build() {
        Builder b = new Builder();
        codingWords(b);
        mathWords(b);
        summaryWords(b);
        extractionWords(b);
        translationWords(b);
        creativeWords(b);
        generalWords(b);
        complexityWords(b);
        for (String phrase : new ArrayList<>(b.byPhrase.keySet())) {
            int space = phrase.indexOf(' ');
            if (space > 0) b.entry(phrase.substring(0, space)).flags |= STARTER;
        }
        return new Lexicon(new ArrayList<>(b.byPhrase.values()));
    }

    private static void codingWords(Builder b) {
        TaskType t = TaskType.CODING;
        b.task(t, 3.0f, "write a function", "write a program", "write a script", "write code", "unit test{,s}",
                "stack trace", "stacktrace", "null pointer", "nullpointerexception", "segfault", "segmentation fault",
                "refactor{,ing,ed}", "debug{,ging}", "compile{,s,d}", "compiler error", "syntax error", "traceback",
                "leetcode", "regex", "regular expression", "code review", "pull request", "big o", "time complexity",
                "implement{,ing} a", "getting this error");
        b.task(t, 1.5f, "one liner", "command line", "command", "grep", "awk", "sed", "cron", "ssh", "chmod", "curl",
                "directory", "folder", "files", "env var{,s}", "environment variable{,s}", "config file", "yaml file",
                "stack overflow", "dependency", "dependencies", "version control", "ide", "vscode", "vim", "emacs",
                "this code", "my code", "the code", "following code", "this error", "column", "operator",
                "count distinct", "select", "snippet", "hook{,s}");
        b.task(t, 2.0f, "function{,s}", "bug{,s}", "code", "coding", "exception", "implement{,ation}", "algorithm{,s}",
                "api", "endpoint{,s}", "method{,s}", "class{,es}", "variable{,s}", "script", "sql", "query", "queries",
                "database", "html", "css", "react", "frontend", "backend", "dockerfile", "docker", "kubernetes",
                "git", "npm", "maven", "gradle", "recursion", "recursive", "linked list", "binary tree", "hash map",
                "hashmap", "array{,s}", "component{,s}", "re render{,s}", "rerender{,s}", "useeffect", "usestate",
                "state update", "deadlock", "mutex", "compile", "runtime",
                "cli", "bash", "shell script", "terminal", "library", "framework", "repo", "repository", "commit",
                "struct", "interface", "constructor", "boolean", "integer overflow", "loop", "for loop", "while loop",
                "iterate", "memory leak", "race condition", "microservice{,s}", "orm", "json schema validation",
                "typescript", "javascript", "golang", "rust", "kotlin", "swift", "c++", "c#", "java", "python", "ruby",
                "php", "scala", "haskell", "node", "nodejs", "django", "flask", "spring boot", "pandas", "numpy",
                "linux", "nginx", "sorting algorithm", "binary search", "return{,s} none", "undefined", "typeerror",
                "valueerror", "keyerror", "indexerror", "importerror", "npe", "crash{,es,ing}", "lint", "eslint",
                "pytest", "junit", "dataframe", "index out of range", "off by one", "fizzbuzz", "palindrome");
        b.task(t, 1.0f, "string{,s}", "list{,s}", "error", "server", "test", "tests", "program", "build", "deploy",
                "def", "return", "import", "const", "var", "println", "printf", "print", "null", "nil", "true",
                "false", "regexes", "cache", "optimize{,d}", "performance", "pointer{,s}", "async", "await", "thread{,s}");
        b.flag(PROGRAMMING_LANGUAGE, "python", "java", "javascript", "typescript", "rust", "golang", "kotlin",
                "swift", "c++", "c#", "ruby", "php", "scala", "haskell", "sql", "bash");
    }

    private static void mathWords(Builder b) {
        TaskType t = TaskType.MATH;
        b.task(t, 3.0f, "solve", "equation{,s}", "integral{,s}", "integrate", "derivative{,s}", "differentiate",
                "prove", "proof", "theorem", "lemma", "probability", "calculate", "compute the",
                "what is the probability", "expected value", "simplify", "factorize", "factorise", "logic puzzle",
                "riddle", "syllogism", "arithmetic", "algebra", "calculus", "geometry", "trigonometry", "combinatorics",
                "permutation{,s}", "combination{,s}", "eigenvalue{,s}", "matrix", "matrices", "polynomial{,s}", "does it follow", "it follows", "follow that", "how long would it take",
                "how long will it take", "how long does it take",
                "quadratic", "logarithm", "prime number{,s}", "divisible", "modulo", "inequality", "step by step solution",
                "word problem", "math", "maths", "mathematics", "percentage", "percent", "interest rate",
                "compound interest", "average speed", "km h", "mph", "remainder", "greatest common divisor",
                "least common multiple", "gcd", "lcm", "sqrt", "square root", "infinitely many", "deduce",
                "must be true", "is it true that", "paradox", "puzzle");
        b.task(t, 2.0f, "how many", "how much", "convert", "fahrenheit", "celsius", "kelvin", "kilometers",
                "kilometres", "miles", "meters", "metres", "feet", "inches", "centimeters", "kilograms", "kg", "pounds",
                "ounces", "grams", "equal to", "equals", "solution{,s}", "real solutions", "roots", "exponent",
                "decimal", "repeating", "irrational", "rational", "converge{,s}", "diverge{,s}", "series",
                "sequence", "limit of", "slope", "graph of", "function of x");
        b.task(t, 0.75f, "x", "y", "n", "product", "costs", "total", "times", "hours", "minutes", "number{,s}");
        b.task(t, 1.5f, "sum", "average", "mean", "median", "ratio", "fraction", "triangle", "circle",
                "radius", "area", "volume", "angle", "digits", "odd", "even", "prime{,s}", "dice", "coin{,s}",
                "cards", "train{,s}", "speed", "distance", "apples", "profit", "widgets", "machines",
                "discount", "estimate", "reason", "reasoning", "logic", "logically", "statistic{,s}", "variance",
                "standard deviation", "formula", "cube", "squared", "minimum", "maximum", "optimal",
                "liters", "litres", "workers", "older", "younger", "age", "ages", "twice", "half");
    }

    private static void summaryWords(Builder b) {
        TaskType t = TaskType.SUMMARIZATION;
        b.task(t, 3.5f, "summari{ze,zes,zed,zing,se,ses,sed,sing}", "summary", "summaries", "tl dr", "tldr",
                "key points", "main points", "key takeaways", "takeaways", "recap", "gist", "condense", "synopsis",
                "executive summary", "boil down", "boil it down", "in a nutshell", "shorten", "abridge",
                "too long", "main ideas", "main idea", "what are the highlights", "highlights", "digest",
                "bullet point summary", "sum up", "sum it up", "sums up", "cliff notes", "cliffnotes", "overview of this",
                "short version", "brief overview", "distill", "distil", "main point", "boil this down",
                "what did we decide");
        b.task(t, 2.0f, "action items", "the above", "decisions");
        b.task(t, 1.0f, "article", "paper", "transcript", "meeting notes", "notes", "chapter", "report", "document",
                "thread", "email thread", "abstract", "briefly", "few sentences", "one paragraph", "bullet points",
                "bullets", "tweet", "following text", "this text", "the text", "minutes", "passage");
    }

    private static void extractionWords(Builder b) {
        TaskType t = TaskType.EXTRACTION;
        b.task(t, 3.5f, "extract{,s,ed,ing,ion}", "pull out", "parse", "parsing", "structured data", "structured output",
                "named entities", "named entity", "entities", "ner", "return json", "return a json", "output json",
                "as json", "in json", "json format", "json object", "valid json", "key value", "key value pairs",
                "fill in the", "fill out", "classify", "classification", "categorize", "categorise", "label each",
                "tag each", "sentiment", "identify all", "list all the", "find all the", "which fields",
                "schema", "as csv", "in csv", "return csv", "as a table", "into a table", "in a table", "as yaml",
                "in yaml", "spam", "not spam", "list every", "fill in the table", "into json", "to json",
                "into a json", "into csv", "markdown table", "normalize", "normalise", "deduplicate");
        b.task(t, 1.5f, "order number", "tracking number", "reference number", "account number", "due date",
                "what is the name", "which company", "who is mentioned", "turn this", "convert this");
        b.task(t, 2.0f, "structured", "fields", "return only", "which of these are", "csv", "for each");
        b.task(t, 1.5f, "json", "names", "dates", "email addresses", "phone number{,s}", "address{,es}", "amounts",
                "invoice", "receipt", "resume", "cv", "table", "columns", "field", "values", "attributes",
                "product name", "sku", "order number", "positive or negative", "category", "categories", "label",
                "labels", "tag", "tags", "company names", "people", "mentioned", "rows", "only the", "from the text",
                "from this text", "from the following", "format", "null if");
    }

    private static void translationWords(Builder b) {
        TaskType t = TaskType.TRANSLATION;
        b.task(t, 4.0f, "translat{e,es,ed,ing,ion,ions,or}", "traduire", "traduis", "traduce", "traducir", "traduzir",
                "traduzca", "tradurre", "übersetze", "übersetzen", "übersetzung", "переведи", "перевести", "перевод",
                "how do you say", "how do i say", "how to say", "what does this mean in", "localize", "localise",
                "localization", "in english please", "into english");
        b.task(t, 1.0f, "native speaker", "phrase", "sentence", "word for", "mean in", "language", "idiom",
                "formal register", "informal register");
        b.flag(TRANSLATE_VERB, "translat{e,es,ed,ing,ion}", "traduire", "traduis", "traduce", "traducir",
                "traduzir", "übersetze", "übersetzen", "переведи", "перевести", "localize", "localise", "port",
                "convert", "rewrite");
        b.flag(NATURAL_LANGUAGE, "english", "french", "german", "spanish", "italian", "portuguese", "japanese",
                "chinese", "mandarin", "cantonese", "korean", "russian", "arabic", "hindi", "dutch", "polish",
                "swedish", "norwegian", "danish", "finnish", "turkish", "greek", "hebrew", "vietnamese", "thai",
                "indonesian", "ukrainian", "czech", "romanian", "hungarian", "bengali", "urdu", "persian", "farsi",
                "swahili", "tagalog", "malay", "catalan", "latin", "esperanto", "brazilian portuguese",
                "simplified chinese", "traditional chinese", "brazilian", "mexican", "castilian", "français", "deutsch", "español", "italiano");
        b.flag(DIRECTION, "into", "to", "in", "from");
    }

    private static void creativeWords(Builder b) {
        TaskType t = TaskType.CREATIVE;
        b.task(t, 3.5f, "poem{,s}", "haiku{,s}", "limerick{,s}", "sonnet{,s}", "lyrics", "song", "short story",
                "a story", "story about", "bedtime story", "fairy tale", "fable", "fiction", "flash fiction",
                "screenplay", "novel", "rap", "verse", "stanza{,s}", "rhyme{,s}", "rhyming", "once upon a time",
                "creative writing", "write a scene", "plot", "plot twist", "protagonist", "villain", "worldbuilding",
                "fantasy", "sci fi", "science fiction", "ode", "monologue", "dialogue between", "slogan{,s}",
                "tagline{,s}", "jingle", "joke{,s}", "pun{,s}", "riddle me", "brainstorm", "brainstorming",
                "come up with", "names for", "name ideas", "story", "stories", "tale", "fanfic", "fan fiction",
                "in the style of", "free verse", "narrative", "ballad", "toast", "wedding speech", "eulogy",
                "roast", "character{,s}", "imagine", "imaginative", "whimsical", "creative");
        b.task(t, 2.5f, "in the voice of", "as a pirate", "as if you were", "pretend you are", "name for my",
                "a name for", "names for my", "epic", "terza rima", "acrostic", "parody", "satire", "satirical",
                "npc{,s}", "d d", "dungeon", "rpg", "tabletop", "describe a", "campaign setting");
        b.task(t, 1.0f, "write", "funny", "creepy", "abandoned", "campaign", "haunted", "humorous", "dramatic", "dark", "magic", "dragon{,s}", "cat", "ocean",
                "love", "moon", "chapter", "scene", "metaphor", "vivid", "mood", "tone", "spooky", "knight");
    }

    private static void generalWords(Builder b) {
        TaskType t = TaskType.GENERAL;
        b.task(t, 1.0f, "hello", "hi", "hey", "thanks", "thank you", "good morning");
        b.task(t, 0.75f, "how does", "how do", "how can i", "explain", "why do", "why does", "why is", "what causes");
        b.task(t, 1.5f, "recommend{,ation,ations}", "advice", "tips", "should i", "what should", "pros and cons",
                "difference between", "recipe",
                "itinerary", "trip", "travel", "visit", "email to", "cover letter", "my boss", "my manager",
                "my landlord", "my friend", "history of", "who was", "who is", "who invented", "when did", "where is",
                "help me", "tell me about", "opinion", "suggest", "ideas for", "plan",
                "meal", "workout", "gift", "health", "career", "interview", "book", "movie", "weather", "best way",
                "compare", "vs", "versus", "polite", "reply", "respond");
    }

    /** Points added to (or taken from) the complexity score; {@code CONSTRAINT} words count as constraints. */
    private static void complexityWords(Builder b) {
        b.complexity(1.5f, "design", "architecture", "architect", "scalable", "scale to", "distributed",
                "concurrent", "concurrency", "thread safe", "lock free", "optimize", "optimise", "trade offs",
                "tradeoffs", "trade off", "prove", "proof", "rigorous", "rigorously", "derive", "in depth",
                "in detail", "detailed", "comprehensive", "thorough", "thoroughly", "production ready", "production",
                "edge cases", "step by step", "analyze", "analyse", "analysis", "compare and contrast", "evaluate",
                "critique", "justify", "multi step", "end to end", "from scratch", "fault tolerant", "high availability",
                "complexity analysis", "formal", "generalize", "infinitely many", "nuanced", "essay", "chapters",
                "strategy", "migration", "implement a", "build a", "consistency", "invariants", "security");
        b.complexity(0.75f, "explain why", "why", "how", "compare", "multiple", "several", "each", "every",
                "all of", "both", "tests", "handle", "support", "including", "consider", "assume", "given that",
                "minimize", "maximize", "constraints", "requirements", "o n");
        // expected size of the answer: long forms need more than a sentence, short forms less
        b.complexity(1.0f, "story", "short story", "lyrics", "song", "itinerary", "plan", "toast", "speech",
                "chapter", "in the style of", "email to", "unit tests", "explain", "difference between",
                "show the steps", "show your work", "explain your reasoning", "steps", "integral", "what could",
                "script", "describe", "pros and cons", "bash script", "translate this email", "this paragraph",
                "dialogue", "product description", "these", "list the");
        b.complexity(-0.75f, "haiku", "limerick", "tagline", "slogan", "joke", "tweet", "a few words",
                "names for", "only the", "one word", "return only");
        b.complexity(-1.0f, "quick", "quickly", "simple", "simply", "briefly", "brief", "short", "one sentence",
                "one word", "one line", "in one line", "just", "yes or no", "hi", "hello", "hey", "thanks",
                "thank you", "easy", "basic", "what is", "what does", "one liner", "tl dr", "tldr", "single",
                "how do you say", "capital of", "define", "definition of", "synonym");
        b.flag(CONSTRAINT, "must", "should", "ensure", "make sure", "without", "at least", "at most", "exactly",
                "no more than", "don't", "do not", "never", "always", "only", "avoid", "keep it", "limit", "under",
                "include", "including", "also", "then", "while", "unless", "except", "and also", "handle", "support");
        b.flag(OUTPUT_UNIT, "words", "pages", "paragraphs", "chapters", "sentences", "lines", "stanzas", "bullets",
                "bullet points", "items");
    }
}
