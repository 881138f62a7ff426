import type { Channel } from './types';
import { CHANNEL_ICONS, CHANNEL_LABELS } from './format';

/** A channel as a word with an icon; the border colour only reinforces it. */
export function ChannelBadge({ channel }: { channel: Channel }) {
  return (
    <span className={`badge badge-${channel}`}>
      <span aria-hidden="true">{CHANNEL_ICONS[channel]}</span>
      {CHANNEL_LABELS[channel]}
    </span>
  );
}
