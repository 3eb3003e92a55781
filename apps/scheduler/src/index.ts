export {
  createSchedulerApp,
  type SchedulerApp,
  type SchedulerReadiness,
  type SchedulerDeps,
  type SchedulerStats,
} from './create-scheduler-app.js';
export { applyReminderCommand, type CommandOutcome, type DueTimeTracker } from './apply-reminder-command.js';
export { planReminder, ReminderFieldError, type PlanTimes } from './plan-reminder.js';
export { nextOccurrence, planRecurrence, RecurrenceError, type Recurrence } from './recurrence.js';
export { reminderDueRecord } from './reminder-due-record.js';
export { ReminderFirer, type FirerStats, type ReminderFirerOptions, type Timers } from './reminder-firer.js';
export { toReminderView } from './to-reminder-view.js';
export { parseSchedulerEnv, type SchedulerConfig } from './parse-scheduler-env.js';
