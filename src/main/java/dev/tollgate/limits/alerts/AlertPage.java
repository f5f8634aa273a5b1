package dev.tollgate.limits.alerts;

import java.util.List;

/** A page of alerts, newest first; {@code next} is the opaque cursor of the older page, or null. */
public record AlertPage(List<Alert> data, String next) {}
