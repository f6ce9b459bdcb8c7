package dev.vigil.server.monitor;

import dev.vigil.core.monitor.Action;
import dev.vigil.server.NotifySettings;
import dev.vigil.store.Alert;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.Properties;

/**
 * E-mail over SMTP: the alert's title as the subject, its text ({@link AlertPayloads#text}) as the body. The SMTP
 * server is the operator's own setting, so it is not vetted as a webhook's host is (decision 0016); each recipient
 * must be one plain address.
 */
record EmailChannel(NotifySettings settings) implements Channel {
    @Override
    public String send(Alert alert, Action action, String link, String deliveryId) {
        if (settings.smtpHost() == null) {
            throw DeliveryException.refused("not sent: no SMTP server configured (set VIGIL_SMTP_HOST)");
        }
        for (String to : action.to()) {
            try {
                Destinations.recipient(to);
            } catch (Destinations.Refused e) {
                throw DeliveryException.refused("not sent: " + e.getMessage());
            }
        }
        Properties props = new Properties();
        props.put("mail.smtp.host", settings.smtpHost());
        props.put("mail.smtp.port", String.valueOf(settings.smtpPort()));
        props.put("mail.smtp.connectiontimeout", String.valueOf(TIMEOUT.toMillis()));
        props.put("mail.smtp.timeout", String.valueOf(TIMEOUT.toMillis()));
        props.put("mail.smtp.writetimeout", String.valueOf(TIMEOUT.toMillis()));
        props.put("mail.smtp.starttls.enable", String.valueOf(settings.smtpStartTls()));
        // a password never goes out unencrypted: with STARTTLS on and a login, the server must offer TLS
        props.put(
                "mail.smtp.starttls.required", String.valueOf(settings.smtpStartTls() && settings.smtpUser() != null));
        props.put("mail.smtp.auth", String.valueOf(settings.smtpUser() != null));
        Session session = Session.getInstance(props);
        try {
            MimeMessage message = new MimeMessage(session);
            message.setFrom(new InternetAddress(settings.smtpFrom()));
            for (String to : action.to()) {
                message.addRecipient(Message.RecipientType.TO, new InternetAddress(to));
            }
            message.setSubject(AlertPayloads.title(alert), "UTF-8");
            message.setText(AlertPayloads.text(alert, link), "UTF-8");
            if (settings.smtpUser() != null) {
                Transport.send(message, settings.smtpUser(), settings.smtpPassword());
            } else {
                Transport.send(message);
            }
            return "sent to " + String.join(", ", action.to());
        } catch (MessagingException e) {
            // a mail server's answer can tell which mailboxes exist: it goes to the log only
            throw DeliveryException.failed(
                    "SMTP " + settings.smtpHost() + ":" + settings.smtpPort() + ": " + e.getMessage());
        }
    }
}
