package dev.tollgate.routing.auto;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** One group per signal family; each test names the rule it proves. */
class PromptAnalyzerTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static ObjectNode request(String user) {
        return request(null, user);
    }

    static ObjectNode request(String system, String user) {
        ObjectNode body = JSON.createObjectNode().put("model", "auto");
        ArrayNode messages = body.putArray("messages");
        if (system != null) messages.addObject().put("role", "system").put("content", system);
        messages.addObject().put("role", "user").put("content", user);
        return body;
    }

    static Analysis analyze(String user) {
        return PromptAnalyzer.analyze(request(user));
    }

    @Nested
    class Coding {
        @Test
        void aCodeFenceMakesACodingTask() {
            Analysis a = analyze("Any idea?\n```\nfor (int i = 0; i <= n; i++) sum += xs[i];\n```");
            assertThat(a.taskType()).isEqualTo(TaskType.CODING);
            assertThat(a.reasoning()).contains("code fence");
        }

        @Test
        void codeLikeTokensWithoutAFenceCount() {
            Analysis a = analyze("why does items.map(x => x.id) give me an empty result when user_ids != null");
            assertThat(a.taskType()).isEqualTo(TaskType.CODING);
            assertThat(a.reasoning()).contains("code-like tokens");
        }

        @Test
        void codingVocabularyWithoutAnyCode() {
            assertThat(analyze("How do I fix a NullPointerException in my Java constructor?").taskType()).isEqualTo(TaskType.CODING);
        }

        @Test
        void translatingBetweenProgrammingLanguagesIsCoding() {
            Analysis a = analyze("Translate this Python to Rust please");
            assertThat(a.taskType()).isEqualTo(TaskType.CODING);
            assertThat(a.reasoning()).contains("programming languages");
        }
    }

    @Nested
    class MathTasks {
        @Test
        void operatorsBetweenNumbersMakeMath() {
            Analysis a = analyze("2 * 17 + 4 / 2 = ?");
            assertThat(a.taskType()).isEqualTo(TaskType.MATH);
            assertThat(a.reasoning()).contains("math symbols");
        }

        @Test
        void aWordProblemWithoutSymbols() {
            assertThat(analyze("Anna has 12 apples and gives a third of them to Ben. How many apples does she keep?").taskType())
                    .isEqualTo(TaskType.MATH);
        }

        @Test
        void unicodeMathSymbols() {
            assertThat(analyze("∫ x² dx from 0 to 3").taskType()).isEqualTo(TaskType.MATH);
        }

        @Test
        void proofsAreComplexMath() {
            Analysis a = analyze("Prove rigorously that the square root of 2 is irrational, justifying each step, and then generalize the proof to every prime p.");
            assertThat(a.taskType()).isEqualTo(TaskType.MATH);
            assertThat(a.complexity()).isEqualTo(Complexity.COMPLEX);
        }
    }

    @Nested
    class Summarization {
        @Test
        void tldrInItsSpellings() {
            for (String p : new String[] {"tl;dr: the meeting moved to 3pm and Bob brings the slides.",
                    "TLDR please: the meeting moved to 3pm and Bob brings the slides.",
                    "Summarise: the meeting moved to 3pm and Bob brings the slides."}) {
                assertThat(analyze(p).taskType()).as(p).isEqualTo(TaskType.SUMMARIZATION);
            }
        }

        @Test
        void theInstructionOutweighsThePastedMaterial() {
            // the email is full of general chat words; the header says what to do with it
            Analysis a = analyze("Give me the gist of this email: Hi team, thanks for yesterday! What should we do about"
                    + " the offsite? I recommend we visit the lake again, the weather tips say it will be sunny. Thanks, Jo");
            assertThat(a.taskType()).isEqualTo(TaskType.SUMMARIZATION);
        }

        @Test
        void summarizingCodeIsSummarization() {
            Analysis a = analyze("Summarize in plain words for a manager:\n```js\nfunction total(xs) { return xs.reduce((a, b) => a + b, 0); }\n```");
            assertThat(a.taskType()).isEqualTo(TaskType.SUMMARIZATION);
        }

        @Test
        void aQuestionAtTheEndOfALongTextIsTheInstruction() {
            String text = "The harbour was rebuilt in 1870 after a storm destroyed the old pier. ".repeat(30);
            assertThat(analyze(text + "\n\nCan you give me a short summary of the above?").taskType()).isEqualTo(TaskType.SUMMARIZATION);
        }
    }

    @Nested
    class Extraction {
        @Test
        void responseFormatJsonSchemaMeansExtraction() {
            ObjectNode r = request("Here is the text: Jane Doe, born 1990 in Oslo.");
            r.putObject("response_format").put("type", "json_schema").putObject("json_schema").putObject("schema")
                    .putObject("properties").putObject("name").put("type", "string");
            Analysis a = PromptAnalyzer.analyze(r);
            assertThat(a.taskType()).isEqualTo(TaskType.EXTRACTION);
            assertThat(a.reasoning()).contains("response_format json_schema");
        }

        @Test
        void aForcedToolCallMeansStructuredOutput() {
            ObjectNode r = request("Jane Doe, born 1990 in Oslo, works at Acme.");
            r.putArray("tools").addObject().put("type", "function").putObject("function").put("name", "save_person");
            r.putObject("tool_choice").put("type", "function").putObject("function").put("name", "save_person");
            assertThat(PromptAnalyzer.analyze(r).taskType()).isEqualTo(TaskType.EXTRACTION);
        }

        @Test
        void extractionVerbs() {
            assertThat(analyze("Extract all dates and amounts from: paid 40 EUR on 3 May, 12 EUR on 9 May").taskType())
                    .isEqualTo(TaskType.EXTRACTION);
            assertThat(analyze("Classify the sentiment of: 'worst pizza ever'").taskType()).isEqualTo(TaskType.EXTRACTION);
        }
    }

    @Nested
    class Translation {
        @Test
        void translateIntoALanguage() {
            Analysis a = analyze("Please translate 'the shop opens at nine' into Portuguese");
            assertThat(a.taskType()).isEqualTo(TaskType.TRANSLATION);
            assertThat(a.reasoning()).contains("translate");
        }

        @Test
        void howDoYouSayWithoutTheWordTranslate() {
            assertThat(analyze("How do you say 'good luck' in Polish?").taskType()).isEqualTo(TaskType.TRANSLATION);
        }

        @Test
        void aChineseTranslateVerb() {
            Analysis a = analyze("请翻译成英文：我明天去北京。");
            assertThat(a.taskType()).isEqualTo(TaskType.TRANSLATION);
            assertThat(a.reasoning()).matches("\\p{ASCII}*");
        }

        @Test
        void aLanguageNameAloneIsNotEnough() {
            assertThat(analyze("Who led the French Revolution and why did it start?").taskType()).isEqualTo(TaskType.GENERAL);
        }
    }

    @Nested
    class Creative {
        @Test
        void poemsStoriesAndJokes() {
            for (String p : new String[] {"Write a haiku about trains", "Tell me a story about a brave snail",
                    "I need a slogan for my bike repair shop"}) {
                assertThat(analyze(p).taskType()).as(p).isEqualTo(TaskType.CREATIVE);
            }
        }
    }

    @Nested
    class General {
        @Test
        void noSignalIsGeneralWithLowConfidence() {
            Analysis none = analyze("ok");
            Analysis strong = analyze("Translate into German: good morning, how are you?");
            assertThat(none.taskType()).isEqualTo(TaskType.GENERAL);
            assertThat(none.complexity()).isEqualTo(Complexity.SIMPLE);
            assertThat(none.confidence()).isLessThan(strong.confidence());
            assertThat(strong.confidence()).isBetween(0.0, 1.0);
        }

        @Test
        void oddRequestsDoNotThrow() throws Exception {
            assertThat(PromptAnalyzer.analyze(null).taskType()).isEqualTo(TaskType.GENERAL);
            assertThat(PromptAnalyzer.analyze(JSON.readTree("{}")).taskType()).isEqualTo(TaskType.GENERAL);
            assertThat(PromptAnalyzer.analyze(JSON.readTree("{\"messages\": 3}")).taskType()).isEqualTo(TaskType.GENERAL);
            JsonNode parts = JSON.readTree("""
                    {"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"x"}},
                      {"type":"text","text":"Write a limerick about this picture"}]},
                      {"role":"assistant","content":null}]}""");
            assertThat(PromptAnalyzer.analyze(parts).taskType()).isEqualTo(TaskType.CREATIVE);
        }

        @Test
        void theSystemPromptCountsButLess() {
            Analysis a = PromptAnalyzer.analyze(request("You are a translator. Translate everything the user writes into Italian.",
                    "The train leaves at noon."));
            assertThat(a.taskType()).isEqualTo(TaskType.TRANSLATION);
            Analysis user = PromptAnalyzer.analyze(request("You are a translator.", "Write a poem about the sea"));
            assertThat(user.taskType()).isEqualTo(TaskType.CREATIVE);
        }
    }

    @Nested
    class ComplexitySignals {
        @Test
        void aShortQuestionIsSimple() {
            assertThat(analyze("What's the capital of Peru?").complexity()).isEqualTo(Complexity.SIMPLE);
        }

        @Test
        void constraintsAndDepthMakeItComplex() {
            Analysis a = analyze("Design a distributed job scheduler. It must survive node failures, must never run a job twice,"
                    + " should scale to 10k jobs per second, and must support priorities and cron schedules. Explain the"
                    + " trade-offs, the data model, and how you would test it.");
            assertThat(a.complexity()).isEqualTo(Complexity.COMPLEX);
        }

        @Test
        void requestedOutputLengthCounts() {
            Analysis longer = analyze("Write a story about a fox, 3000 words");
            Analysis shorter = analyze("Write a story about a fox, 50 words");
            assertThat(longer.reasoning()).contains("long output (3000 words)");
            assertThat(longer.complexity().ordinal()).isGreaterThan(shorter.complexity().ordinal());
        }

        @Test
        void toolsAddComplexity() {
            ObjectNode r = request("What's the weather in Paris and should I take an umbrella?");
            Complexity without = PromptAnalyzer.analyze(r).complexity();
            ArrayNode tools = r.putArray("tools");
            for (int i = 0; i < 5; i++) tools.addObject().put("type", "function");
            assertThat(PromptAnalyzer.analyze(r).complexity().ordinal()).isGreaterThan(without.ordinal());
        }
    }

    @Nested
    class Bounds {
        @Test
        void aMegabytePromptIsReadOnlyAtItsEnds() {
            String filler = "lorem ipsum dolor sit amet ".repeat(40_000); // ~1 MB
            Analysis a = analyze("Translate into Spanish:\n" + filler + "\n\nIs that ok?");
            assertThat(a.taskType()).isEqualTo(TaskType.TRANSLATION);
            // the cost does not grow with the size: 1 MB costs about what 16 KB costs (ratio, not wall time,
            // so a loaded machine does not fail the test)
            JsonNode huge = request("Translate into Spanish:\n" + filler);
            JsonNode small = request("Translate into Spanish:\n" + filler.substring(0, 16 * 1024));
            double hugeNs = Double.MAX_VALUE;
            double smallNs = Double.MAX_VALUE;
            for (int round = 0; round < 4; round++) { // alternate, so JIT and machine load hit both alike
                hugeNs = Math.min(hugeNs, nsPerAnalysis(huge));
                smallNs = Math.min(smallNs, nsPerAnalysis(small));
            }
            assertThat(hugeNs / smallNs).as("1 MB (%.0f ns) vs 16 KB (%.0f ns)", hugeNs, smallNs).isLessThan(3.0);
        }

        static double nsPerAnalysis(JsonNode request) {
            for (int i = 0; i < 300; i++) PromptAnalyzer.analyze(request);
            long best = Long.MAX_VALUE;
            for (int round = 0; round < 5; round++) {
                long start = System.nanoTime();
                for (int i = 0; i < 50; i++) PromptAnalyzer.analyze(request);
                best = Math.min(best, System.nanoTime() - start);
            }
            return best / 50.0;
        }

        @Test
        void reasoningIsShortAscii() {
            Analysis a = analyze("把这段话翻译成日语，然后总结一下要点 ".repeat(50));
            assertThat(a.reasoning()).matches("[\\x20-\\x7e]*").hasSizeLessThanOrEqualTo(PromptAnalyzer.REASONING_CHARS_MAX);
        }

        @Test
        void pathologicalInputStaysLinear() {
            // runs of the characters the scan reacts to most; bounded input means bounded work
            String braces = "{(".repeat(200_000) + "```" + "`".repeat(100_000) + "1+".repeat(100_000);
            assertThat(analyze(braces).reasoning()).isNotEmpty();
            assertThat(nsPerAnalysis(request(braces))).isLessThan(50_000_000.0);
        }
    }
}
