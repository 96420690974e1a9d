// "Scan my card": the camera preview, reading QR codes from its frames until one is a valid access card. The camera
// is stopped the moment a card is read, on cancel, and whenever this component goes away (idle reset, sign-in,
// unmount). Frames are decoded one at a time and wiped; none is stored or sent anywhere.
import { Camera, X } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import { Banner } from '../../components/Banner';
import { cameraProblem, openCamera, stopCamera, type CameraProblem } from './camera';
import { readCardQr } from './card-qr';
import { createFrameReader } from './video-frame';

/** Least pause between two decodes; after a slow one the pause grows so decoding takes at most a third of the time. */
export const SCAN_INTERVAL_MS = 150;

type Phase =
  { kind: 'starting' } | { kind: 'scanning'; notice: string | null } | { kind: 'problem'; problem: CameraProblem };

export function CardScanner({ onCode, onCancel }: { onCode: (code: string) => void; onCancel: () => void }) {
  const videoRef = useRef<HTMLVideoElement>(null);
  const [phase, setPhase] = useState<Phase>({ kind: 'starting' });
  const stopRef = useRef<() => void>(() => undefined);
  const onCodeRef = useRef(onCode);
  useEffect(() => {
    onCodeRef.current = onCode;
  });

  useEffect(() => {
    let stopped = false;
    let stream: MediaStream | null = null;
    let video: HTMLVideoElement | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const reader = createFrameReader();
    const stop = () => {
      stopped = true;
      clearTimeout(timer);
      if (stream) stopCamera(stream);
      stream = null;
      if (video) video.srcObject = null;
      reader.release();
    };
    stopRef.current = stop;

    const scan = (playing: HTMLVideoElement) => {
      if (stopped) return;
      const started = performance.now();
      const frame = reader.read(playing);
      const reading = frame ? readCardQr(frame) : { kind: 'none' as const };
      // The frame may show the card's code: wipe it, as the app wipes other secrets once used.
      frame?.data.fill(0);
      if (reading.kind === 'card') {
        stop();
        onCodeRef.current(reading.code);
        return;
      }
      if (reading.kind === 'not-card') {
        const notice = reading.message;
        setPhase((now) => (now.kind === 'scanning' && now.notice === notice ? now : { kind: 'scanning', notice }));
      }
      timer = setTimeout(() => scan(playing), Math.max(SCAN_INTERVAL_MS, 2 * (performance.now() - started)));
    };

    openCamera().then(
      (opened) => {
        // Cancelled (or unmounted) while the camera was being asked for: release it straight away.
        if (stopped || !videoRef.current) return stopCamera(opened);
        stream = opened;
        const element = videoRef.current;
        video = element;
        element.srcObject = opened;
        void Promise.resolve(element.play()).catch(() => undefined); // muted autoplay; the frames are read either way
        setPhase({ kind: 'scanning', notice: null });
        scan(element);
      },
      (error: unknown) => {
        if (!stopped) setPhase({ kind: 'problem', problem: cameraProblem(error) });
      },
    );
    return stop;
  }, []);

  const cancel = () => {
    stopRef.current();
    onCancel();
  };

  return (
    <section className="card-scanner" aria-labelledby="card-scanner-title">
      <h2 id="card-scanner-title">
        <Camera aria-hidden="true" size={22} /> Scan your card
      </h2>
      {phase.kind === 'problem' ? (
        <Banner tone="warn" title={phase.problem.title}>
          <p>{phase.problem.message}</p>
        </Banner>
      ) : (
        <>
          <p className="muted" role="status">
            {phase.kind === 'starting'
              ? 'Starting the camera…'
              : 'Hold the QR code on your card in front of the camera.'}
          </p>
          <div className="camera-preview">
            <video ref={videoRef} aria-label="Camera preview" muted playsInline autoPlay />
            <span className="camera-target" aria-hidden="true" />
          </div>
          {phase.kind === 'scanning' && phase.notice && (
            <p className="field-error" role="alert">
              {phase.notice}
            </p>
          )}
        </>
      )}
      <button type="button" className="btn btn-large" onClick={cancel}>
        <X aria-hidden="true" size={18} /> {phase.kind === 'problem' ? 'Type the code instead' : 'Cancel'}
      </button>
    </section>
  );
}
