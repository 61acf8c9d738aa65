/**
 * Mouse events of the terminal UI: what the terminal reports (SGR mouse mode: `ESC [ < b ; x ; y M`
 * for a press, `m` for a release; the wheel as buttons 64/65), parsed by ./input.ts before Ink
 * reads the keys, and handed to the components under the pointer through `MouseContext`.
 *
 * A component asks with `useMouse(ref, handler)`: the handler gets the events that fall inside the
 * component's box on screen, with coordinates relative to its top-left cell (Ink's layout tells
 * where the box is: its yoga node's offsets summed up to the root).
 */
import type { DOMElement } from 'ink';
import { createContext, useContext, useEffect, useRef, type RefObject } from 'react';

export interface MouseEvent {
  /** A press or release of a button, or one step of the wheel (up: towards the top). */
  kind: 'press' | 'release' | 'wheelUp' | 'wheelDown';
  /** 0 left, 1 middle, 2 right (-1: unknown, a release in the old X10 encoding, the wheel). */
  button: number;
  /** Cell of the pointer, 0-based: column and row of the whole screen. */
  x: number;
  y: number;
  shift: boolean;
  meta: boolean;
  ctrl: boolean;
}

/** A mouse event inside a component: `col`/`row` relative to its box. */
export interface LocalMouseEvent extends MouseEvent {
  col: number;
  row: number;
}

export type MouseListener = (e: MouseEvent) => void;

/** Where mouse events come from: the terminal's input (./input.ts), or a test. */
export interface MouseSource {
  onMouse(fn: MouseListener): () => void;
}

/** A mouse source events are pushed into. */
export class MouseBus implements MouseSource {
  private listeners: MouseListener[] = [];
  onMouse(fn: MouseListener): () => void {
    this.listeners = [...this.listeners, fn];
    return () => void (this.listeners = this.listeners.filter((l) => l !== fn));
  }
  emit(e: MouseEvent): void {
    for (const l of this.listeners) l(e);
  }
}

/** The mouse of the running UI (none: the terminal sends no mouse events, or a test without one). */
export const MouseContext = createContext<MouseSource | undefined>(undefined);

interface YogaBox {
  getComputedLeft(): number;
  getComputedTop(): number;
  getComputedWidth(): number;
  getComputedHeight(): number;
}

/** The box of an Ink element on screen (cells), from its last layout; undefined before one. */
export function elementBox(el: DOMElement | null | undefined): { x: number; y: number; w: number; h: number } | undefined {
  const own = el?.yogaNode as YogaBox | undefined;
  if (!el || !own) return undefined;
  let x = 0;
  let y = 0;
  for (let n: DOMElement | undefined = el; n; n = n.parentNode) {
    const yn = n.yogaNode as YogaBox | undefined;
    if (!yn) continue;
    x += yn.getComputedLeft();
    y += yn.getComputedTop();
  }
  return { x, y, w: own.getComputedWidth(), h: own.getComputedHeight() };
}

/**
 * Calls `handler` with the mouse events inside the element `ref` points at, while `active`. The
 * handler may change between renders: the latest one is called. The events come from `from`, or
 * else from the MouseContext above (the component providing it passes its source itself).
 */
export function useMouse(ref: RefObject<DOMElement | null>, handler: (e: LocalMouseEvent) => void, active = true, from?: MouseSource): void {
  const context = useContext(MouseContext);
  const source = from ?? context;
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => {
    if (!source || !active) return;
    return source.onMouse((e) => {
      const box = elementBox(ref.current);
      if (!box) return;
      const col = e.x - box.x;
      const row = e.y - box.y;
      if (col < 0 || row < 0 || col >= box.w || row >= box.h) return;
      latest.current({ ...e, col, row });
    });
  }, [source, active, ref]);
}
