export function curveAccuracy(index: number, epoch: number): number;
export function curveLatency(index: number): number;
export function curveSize(index: number): number;
