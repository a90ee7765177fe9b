export declare const median: (xs: number[]) => number;
export declare const loadAverage: () => string;
