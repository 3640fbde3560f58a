/**
 * Nominal ("branded") types so that values of the same runtime type but
 * different meaning cannot be mixed, e.g. an image id and a label id, or
 * degrees and radians. Zero runtime cost.
 */
declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };
