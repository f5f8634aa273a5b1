package dev.tollgate.routing.auto;

/**
 * The model {@link AutoPolicy} chose for an analysed request: a public model name (or alias), its
 * quality score for the request's (task, complexity) cell, and short ASCII reasoning for headers.
 */
public record AutoSelection(Analysis analysis, String model, double qualityScore, String reasoning) {}
