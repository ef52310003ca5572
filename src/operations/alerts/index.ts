export { alertBody, alertBodySchema, alertKinds, testAlertBody, type AlertBody } from './alert-body.js';
export { deliverDue, isDue, type AlertDeps, type DeliveryReport } from './alert-delivery.js';
export { fetchSender, webhookTarget, type AlertRequest, type AlertResponse, type AlertSender, type WebhookTarget } from './alert-webhook.js';
export { alertsAfterRun, evaluateAlerts, type AlertsReport } from './evaluate-alerts.js';
