// One connection and queue of the playground's own per key (a broker, a learner's vhost), shared
// by every listener of this process that asks for the same key, and closed `lingerMs` after the
// last one leaves. If the broker closes it, every listener is told, and the next to join opens
// another. broker-events.ts and trace-feed.ts are the two feeds.
import type { ChannelModel, ConsumeMessage } from 'amqplib';

export interface FeedListener {
  message(message: ConsumeMessage): void;
  lost(): void;
}

/** Connects and starts consuming; `deliver` for each message, `lost` if the connection closes. */
export type OpenFeed = (deliver: (message: ConsumeMessage) => void, lost: () => void) => Promise<ChannelModel>;

interface Feed {
  opening: Promise<ChannelModel>;
  listeners: Set<FeedListener>;
  linger: NodeJS.Timeout | null;
}

export class SharedFeeds {
  private readonly feeds = new Map<string, Feed>();

  constructor(private readonly lingerMs: number) {}

  /** Joins the feed of `key` (opening it with `open` if none is open); the returned function leaves it. */
  async join(key: string, open: OpenFeed, listener: FeedListener): Promise<() => void> {
    let feed = this.feeds.get(key);
    if (!feed) this.feeds.set(key, (feed = this.open(key, open)));
    if (feed.linger) {
      clearTimeout(feed.linger);
      feed.linger = null;
    }
    feed.listeners.add(listener);
    try {
      await feed.opening;
    } catch (err) {
      feed.listeners.delete(listener);
      throw err;
    }
    const joined = feed;
    return () => {
      joined.listeners.delete(listener);
      if (joined.listeners.size > 0 || this.feeds.get(key) !== joined) return;
      if (this.lingerMs <= 0) return this.close(key, joined);
      joined.linger = setTimeout(() => {
        if (joined.listeners.size === 0) this.close(key, joined);
      }, this.lingerMs);
      joined.linger.unref();
    };
  }

  private open(key: string, open: OpenFeed): Feed {
    const feed: Feed = {
      listeners: new Set(),
      linger: null,
      opening: Promise.resolve(null as unknown as ChannelModel),
    };
    const forget = () => {
      if (this.feeds.get(key) === feed) this.feeds.delete(key);
    };
    feed.opening = open(
      (message) => {
        for (const l of feed.listeners) l.message(message);
      },
      () => {
        forget();
        for (const l of feed.listeners) l.lost();
      },
    );
    feed.opening.catch(forget);
    return feed;
  }

  private close(key: string, feed: Feed): void {
    if (this.feeds.get(key) === feed) this.feeds.delete(key);
    void feed.opening
      .then((model) => {
        model.removeAllListeners('close');
        return model.close();
      })
      .catch(() => {});
  }
}
