package dev.tollgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImagePriceConfigTest {
    static TollgateConfig load(String price) throws Exception {
        String yaml = "providers:\n  - { name: mock, type: mock }\nmodels:\n  - name: img\n    provider: mock\n    price: " + price + "\n";
        return new ConfigLoader(Map.of()).parse("test.yaml", new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void sizesAndQualitiesParseAndTokenPricesDefaultToZero() throws Exception {
        TollgateConfig.Price p = load("{ image: { \"1024x1024\": 0.04, default: 0.05, hd: { \"1024x1024\": 0.08 } } }")
                .models().get(0).price();
        assertThat(p.input()).isEqualByComparingTo("0");
        assertThat(p.output()).isEqualByComparingTo("0");
        assertThat(p.image().bySize()).containsEntry("1024x1024", new BigDecimal("0.04")).containsEntry("default", new BigDecimal("0.05"));
        assertThat(p.image().byQuality().get("hd")).containsEntry("1024x1024", new BigDecimal("0.08"));
    }

    @Test
    void modelsWithoutImagePricesAreUnchanged() throws Exception {
        TollgateConfig.Price p = load("{ input: 1, output: 2 }").models().get(0).price();
        assertThat(p.image()).isNull();
        assertThatThrownBy(() -> load("{ output: 2 }")).hasMessageContaining("models[0].price.input: is required");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{ image: 0.04 }                               | models[0].price.image: must be a mapping",
        "{ image: {} }                                 | models[0].price.image: must price at least one size",
        "{ image: { huge: 0.04 } }                     | models[0].price.image.huge: is not an image size",
        "{ image: { \"1024x1024\": -1 } }              | models[0].price.image.1024x1024: must not be negative",
        "{ image: { \"1024x1024\": cheap } }           | models[0].price.image.1024x1024: must be a number",
        "{ image: { hd: {} } }                         | models[0].price.image.hd: must price at least one size",
        "{ image: { hd: { big: 1 } } }                 | models[0].price.image.hd.big: is not an image size",
        "{ image: { HD: { default: 1 } } }             | models[0].price.image.HD: is not a quality name",
        "{ image: { hd: { default: { x: 1 } } } }      | models[0].price.image.hd.default: must be a number",
        "{ input: 1, output: 1, images: {} }           | models[0].price.images: unknown key",
    })
    void errorsNameTheKeyPath(String price, String message) {
        assertThatThrownBy(() -> load(price)).isInstanceOf(ConfigException.class).hasMessageContaining(message);
    }
}
