import os
import pika

connection = pika.BlockingConnection(pika.URLParameters(os.environ["AMQP_URL"]))
channel = connection.channel()
channel.queue_declare(queue="fair_tasks")

for n in range(1, 7):
    channel.basic_publish(exchange="", routing_key="fair_tasks", body=f"task {n}")
print("queued 6 tasks")
connection.close()
