import { IsBoolean } from 'class-validator';

/** RingCentral's CallRecordingUpdate: `active: false` pauses the recording, `true` resumes it. */
export class RecordingUpdateDto {
  @IsBoolean({ message: 'active must be a boolean' })
  active: boolean;
}

/** RingCentral's CallRecording. */
export interface RcRecording {
  id: string;
  active: boolean;
}
