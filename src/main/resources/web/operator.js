// The operator's view (admin token).
export const operatorPages = {};
