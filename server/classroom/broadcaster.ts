// The instructor's broadcasts to a class: a snippet pushed to every learner online, and the
// instructor's terminals and runs mirrored live onto every learner's screen (through the mirror
// hub) until the instructor stops. It keeps only which classes are mirrored and which sockets
// watch; who is online, and with which sockets, is presence's to know (presence.ts).
import type { BroadcastEvent } from '../../shared/classroom-api.ts';
import { INSTRUCTOR } from './instructor.ts';
import type { MirrorHub } from './mirror-hub.ts';
import type { ConnectedSocket } from './presence.ts';

export type SnippetBroadcast = Extract<BroadcastEvent, { kind: 'snippet' }>;

export class Broadcaster {
  /** Classes whose learners see the instructor's terminals. */
  private readonly mirrored = new Set<string>();
  /** How each watching learner socket stops watching the instructor. */
  private readonly watching = new Map<ConnectedSocket, () => void>();

  constructor(
    private readonly hub: MirrorHub,
    private readonly socketsOf: (learnerId: string) => ReadonlySet<ConnectedSocket>,
  ) {}

  /** Whether the class's learners see the instructor's terminals. */
  mirroring(classId: string): boolean {
    return this.mirrored.has(classId);
  }

  /** Another instance turned the class's mirroring on before this one heard of it. */
  adopt(classId: string): void {
    this.mirrored.add(classId);
  }

  /** Pushes the snippet to every socket of the learners; answers how many learners were online. */
  snippet(learnerIds: string[], event: SnippetBroadcast): number {
    let reached = 0;
    for (const id of learnerIds) {
      const sockets = this.socketsOf(id);
      if (sockets.size === 0) continue;
      reached++;
      for (const s of sockets) s.push({ type: 'broadcast', event });
    }
    return reached;
  }

  /** Mirrors the instructor to every socket of the class's learners, or stops; answers how many were online. */
  terminals(classId: string, learnerIds: string[], on: boolean): number {
    if (on) this.mirrored.add(classId);
    else this.mirrored.delete(classId);
    let reached = 0;
    for (const id of learnerIds) {
      const sockets = this.socketsOf(id);
      for (const s of sockets) {
        if (on && !this.watching.has(s)) this.watch(s);
        if (!on) {
          this.unwatch(s);
          s.push({ type: 'broadcast', event: { kind: 'mirror-stop' } });
        }
      }
      if (sockets.size > 0) reached++;
    }
    return reached;
  }

  /** A learner's socket opened: it watches the instructor at once if the class is mirrored. */
  joined(classId: string, socket: ConnectedSocket): void {
    if (this.mirrored.has(classId)) this.watch(socket);
  }

  /** A learner's socket closed. */
  left(socket: ConnectedSocket): void {
    this.unwatch(socket);
  }

  private watch(socket: ConnectedSocket): void {
    this.watching.set(
      socket,
      this.hub.watch(INSTRUCTOR, (event) => socket.push({ type: 'broadcast', event: { kind: 'mirror', event } })),
    );
  }

  private unwatch(socket: ConnectedSocket): void {
    this.watching.get(socket)?.();
    this.watching.delete(socket);
  }
}
