package dev.cairn.rest;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/**
 * Request bodies are read as the contract types them, nothing guessed: {@code 1.9} is no integer,
 * {@code "7"} no number, {@code 42} no string, neither {@code 1} nor {@code "true"} a boolean, and
 * {@code null} no primitive. Each refused value answers a 400 problem naming the field
 * ({@link ErrorResponses}). Unknown properties are refused by
 * {@code quarkus.jackson.fail-on-unknown-properties} (application.properties); a schema that allows
 * extra properties says so on its model. Stateless.
 */
@Singleton
final class StrictJson implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper json) {
        json.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        json.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        refuse(json, LogicalType.Integer, CoercionInputShape.String, CoercionInputShape.Float, CoercionInputShape.Boolean);
        refuse(json, LogicalType.Float, CoercionInputShape.String, CoercionInputShape.Boolean);
        refuse(json, LogicalType.Textual, CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean);
        refuse(json, LogicalType.Boolean, CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.String);
    }

    private static void refuse(ObjectMapper json, LogicalType target, CoercionInputShape... shapes) {
        for (CoercionInputShape shape : shapes) {
            json.coercionConfigFor(target).setCoercion(shape, CoercionAction.Fail);
        }
    }
}
