const BEEP_HZ = 880;
const BEEP_SECONDS = 0.15;
const BEEP_GAIN = 0.08;

let context: AudioContext | null = null;

/** Browsers start audio only after a user gesture: call this from one (the "Enable notifications" click). */
export function unlockAudio(): void {
  if (typeof AudioContext === 'undefined') return;
  context ??= new AudioContext();
  void context.resume().catch(() => undefined);
}

/** A short soft tone: no sound file to ship or load. */
export function beep(): void {
  if (typeof AudioContext === 'undefined') return;
  try {
    context ??= new AudioContext();
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.frequency.value = BEEP_HZ;
    gain.gain.value = BEEP_GAIN;
    oscillator.connect(gain).connect(context.destination);
    oscillator.start();
    oscillator.stop(context.currentTime + BEEP_SECONDS);
  } catch {
    // No audio device, or audio not yet allowed: the desktop notification still shows.
  }
}
